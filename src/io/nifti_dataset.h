// Finding the cases of a NIfTI dataset: nnU-Net's raw layout (imagesTr/<case>_0000.nii.gz,
// labelsTr/<case>.nii.gz, imagesTs/, labelsTs/ when present, dataset.json) or a plain folder of
// images with an optional folder of labels; and reading one NIfTI scan with the checks every
// reader of real data needs (3-D, finite, label geometry equal to the image's).
#pragma once

#include <string>
#include <vector>

#include "io/nifti_io.h"

namespace semisam::io {

struct NiftiCaseFiles {
  std::string name;   // <case>
  std::string image;  // path of the image
  std::string label;  // path of the label map; empty when the case has none
};

struct NiftiDatasetFiles {
  std::string layout;                     // "nnU-Net raw" or "image folder"
  std::vector<NiftiCaseFiles> training;   // imagesTr, or the folder; sorted by name
  std::vector<NiftiCaseFiles> testing;    // imagesTs; sorted by name
};

bool is_nifti_path(const std::string& path);  // .nii or .nii.gz
bool is_hdf5_path(const std::string& path);   // .h5 or .hdf5
// The case name of an image file: the file name without .nii.gz / .nii / .h5 / .hdf5 and, for
// NIfTI, without nnU-Net's channel suffix _0000 (HDF5 files keep theirs: phantom_0000.h5).
std::string case_name_of(const std::string& path);

// nnU-Net raw layout under `root` (a folder holding imagesTr/). dataset.json, when present, must
// declare one channel and may set file_ending. Fails naming the folder when no image is found,
// and naming the file for a second channel (<case>_0001), which semisam does not use.
NiftiDatasetFiles find_nnunet_dataset(const std::string& root);

// Every NIfTI image in `images` (<case>.nii.gz or <case>_0000.nii.gz); labels, when `labels` is
// not empty, are <case>.nii.gz (or .nii) there; an image without one is unlabelled.
NiftiDatasetFiles find_image_folder(const std::string& images, const std::string& labels = "");

// Reads a 3-D NIfTI image as float32; errors name the file and say what is wrong (not 3-D,
// NaN or infinite values, unreadable or truncated).
NiftiImage read_nifti_scan(const std::string& path);

// Reads a label map that must lie on its image's voxel grid (same x, y, z sizes and affine).
NiftiImage read_nifti_label_for(const std::string& label_path, const std::string& image_path,
                                const NiftiHeader& image_header);

}  // namespace semisam::io
