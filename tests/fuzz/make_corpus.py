#!/usr/bin/env python3
"""Writes the seed corpus of the libFuzzer harnesses (tests/fuzz/corpus/<harness>/): small real
files from torch.save, nibabel and h5py, so that fuzzing starts from inputs every reader accepts.

    python3 tests/fuzz/make_corpus.py [OUT_DIR]       (default: tests/fuzz/corpus)

Needs torch (any 2.x, CPU is enough), numpy, nibabel and h5py. A fresh environment:
    python3 -m venv .venv-fuzz
    .venv-fuzz/bin/pip install numpy nibabel h5py
    .venv-fuzz/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
    .venv-fuzz/bin/python tests/fuzz/make_corpus.py
Each file stays a few KB at most: libFuzzer's default -max_len follows the largest seed, and
small inputs run fast. The committed corpus was made with this script; rerunning it rewrites it.
"""
import argparse
import collections
import gzip
import io
import json
import os
import pickle
import shutil
import zipfile
import zlib

import h5py
import nibabel as nib
import numpy as np
import torch


def write(out, harness, name, data):
    folder = os.path.join(out, harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def torch_bytes(obj, **kwargs):
    buffer = io.BytesIO()
    torch.save(obj, buffer, **kwargs)
    return buffer.getvalue()


def pth_seeds():
    """(name, torch.save output) for the shapes of checkpoint `convert` and `predict` meet."""
    g = torch.Generator().manual_seed(1)
    plain = collections.OrderedDict()
    plain["f32"] = torch.randn(2, 3, generator=g)
    plain["f16"] = torch.randn(3, generator=g).half()
    plain["i64"] = torch.tensor([-1, 0, 2 ** 40])
    plain["mask"] = torch.tensor([True, False])
    plain["transposed"] = torch.randn(3, 2, generator=g).t()
    plain["expanded"] = torch.tensor([1.0, 2.0]).expand(3, 2)
    plain["scalar"] = torch.tensor(0.5)
    yield "plain.pth", torch_bytes(plain)

    encoder = torch.nn.Module()
    encoder.patch_embed = torch.nn.Conv3d(1, 2, 2, 2)
    encoder.norm = torch.nn.LayerNorm(2)
    state = collections.OrderedDict(
        ("image_encoder." + k, v) for k, v in encoder.state_dict().items())
    yield "sam_like.pth", torch_bytes({"model_state_dict": state, "epoch": 3, "lr": 1e-4,
                                       "args": {"name": "tiny", "flags": [1, 2, (3, 4)]}})
    yield "shared_storage.pth", torch_bytes({"a": plain["f32"][0], "b": plain["f32"][1:]})
    yield "protocol4.pth", torch_bytes({"w": torch.arange(4, dtype=torch.int32)},
                                       pickle_protocol=4)


def pickle_seeds(pth_files):
    """The data.pkl of each archive, plus plain containers in every protocol torch may write."""
    for name, data in pth_files:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            pkl = next(n for n in z.namelist() if n.endswith("/data.pkl"))
            yield name.replace(".pth", ".pkl"), z.read(pkl)
    value = collections.OrderedDict(
        [("n", None), ("t", True), ("i", -7), ("big", 2 ** 70), ("f", 0.25), ("s", "text"),
         ("b", b"\x00\xff"), ("l", [1, [2, 3]]), ("tu", (1, "x")), ("set", {1, 2}),
         ("fs", frozenset([3])), ("d", {"k": {"k2": []}})])
    for protocol in (2, 3, 4, 5):
        yield f"containers_p{protocol}.pkl", pickle.dumps(value, protocol=protocol)


def nifti_seeds():
    """.nii and .nii.gz files from nibabel: an image, a scaled integer image, a label map."""
    image = nib.Nifti1Image(np.linspace(-1, 1, 4 * 3 * 2, dtype=np.float32).reshape(4, 3, 2),
                            np.diag([1.5, 1.0, 2.0, 1.0]))
    scaled = nib.Nifti1Image(np.arange(3 * 3 * 2, dtype=np.int16).reshape(3, 3, 2), np.eye(4))
    scaled.header.set_slope_inter(0.5, 10.0)
    labels = nib.Nifti1Image(np.array([0, 1, 2, 1] * 3, dtype=np.uint8).reshape(2, 3, 2),
                             np.eye(4))
    labels.set_qform(np.diag([0.8, 0.8, 1.2, 1.0]), code=1)
    two = nib.Nifti2Image(np.ones((2, 2, 2), dtype=np.float64), np.eye(4))
    for name, img in [("image_f32", image), ("scaled_i16", scaled), ("labels_u8", labels),
                      ("nifti2_f64", two)]:
        data = img.to_bytes()
        yield name + ".nii", data
        yield name + ".nii.gz", gzip.compress(data, mtime=0)


def h5_bytes(build):
    """The bytes of an HDF5 file written by build(h5py.File)."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", track_order=True) as f:
        build(f)
    return buffer.getvalue()


def case_seeds():
    def labelled(f):
        f.create_dataset("image", data=np.linspace(0, 1, 4 * 4 * 3, dtype=np.float32)
                         .reshape(4, 4, 3), track_times=False)
        f.create_dataset("label", data=(np.arange(48) % 3).astype(np.uint8).reshape(4, 4, 3),
                         track_times=False)
        f.attrs["spacing"] = np.array([1.0, 1.0, 2.5])

    def unlabelled_f64(f):
        f.create_dataset("image", data=np.zeros((3, 2, 2), dtype=np.float64), track_times=False)

    yield "labelled.h5", h5_bytes(labelled)
    yield "unlabelled_f64.h5", h5_bytes(unlabelled_f64)


def checkpoint_seed(f):
    """The layout io/checkpoint_write.cpp writes (format, metadata, rng streams, tensor groups
    whose datasets carry a zlib CRC-32 of their bytes)."""
    f.attrs["format"] = "semisam-checkpoint"
    f.attrs["format_version"] = np.int64(1)
    f.attrs["architecture"] = "unet_3D"
    f.attrs["round"] = np.int64(1)
    f.attrs["iteration"] = np.int64(20)
    f.attrs["best_dice"] = np.float64(0.5)
    f.attrs["command_line"] = "semisam train"
    f.create_group("hyper_parameters").attrs["base_channels"] = "2"
    f.create_group("info").attrs["backbone"] = "unet_3D"
    f.create_group("rng").create_group("train")
    f["rng/train"].attrs["seed"] = np.uint64(7)
    f["rng/train"].attrs["offset"] = np.uint64(128)
    params = f.create_group("params")
    for name, value in [("conv.weight", np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)),
                        ("conv.bias", np.zeros(2, dtype=np.float32))]:
        d = params.create_dataset(name, data=value, track_times=False)
        d.attrs["crc32"] = np.uint64(zlib.crc32(value.tobytes()))


def split_list_seeds():
    yield "plain.txt", b"case_001\ncase_002\ncase_003\n"
    yield "commas_blanks.txt", b"  a,1\n\nb , extra,fields\r\nc\n"


def nnunet_json_seeds():
    yield "dataset.json", json.dumps({
        "channel_names": {"0": "CT"}, "labels": {"background": 0, "organ": 1},
        "numTraining": 1, "file_ending": ".nii.gz"}, indent=1).encode()
    yield "old_style.json", json.dumps({
        "modality": {"0": "MRI"}, "labels": {"0": "background", "1": "atrium"},
        "training": [{"image": "./imagesTr/case.nii.gz", "label": "./labelsTr/case.nii.gz"}],
        "test": []}).encode()


def main():
    parser = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("out", nargs="?", default=os.path.join(here, "corpus"))
    out = parser.parse_args().out
    shutil.rmtree(out, ignore_errors=True)
    torch.manual_seed(0)
    pth_files = list(pth_seeds())
    for name, data in pth_files:
        write(out, "fuzz_pth", name, data)
    for name, data in pickle_seeds(pth_files):
        write(out, "fuzz_pickle", name, data)
    for name, data in nifti_seeds():
        write(out, "fuzz_nifti", name, data)
    for name, data in case_seeds():
        write(out, "fuzz_h5_case", name, data)
    write(out, "fuzz_checkpoint", "checkpoint.h5", h5_bytes(checkpoint_seed))
    for name, data in split_list_seeds():
        write(out, "fuzz_split_list", name, data)
    for name, data in nnunet_json_seeds():
        write(out, "fuzz_nnunet_json", name, data)


if __name__ == "__main__":
    main()
