// The HTML training report, drawn from config.json and progress.jsonl.
#include "ssl/run/run_report.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "ssl/run/progress_record.h"
#include "ssl/run/round_trainer.h"
#include "ssl/run/svg_chart.h"
#include "ssl/run/train_settings.h"

namespace semisam::ssl {
namespace {

using nlohmann::json;

std::string fixed(double v, int digits = 4) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

std::string dice_list(const json& values) {
  if (!values.is_array() || values.empty()) return "&ndash;";
  std::string text;
  for (size_t c = 0; c < values.size(); ++c)
    text += std::string(c ? ", " : "") + "class " + std::to_string(c + 1) + " " +
            fixed(values[c].get<double>());
  return text;
}

// Everything the page shows, gathered from the rows by round.
struct RoundRows {
  std::map<std::string, ChartSeries> losses;  // by loss term
  std::vector<ChartSeries> validation;        // per class, then the mean
  json pseudo_labels;                         // the round's pseudo_labels row
  json end;                                   // its round_end row
};

std::map<int64_t, RoundRows> gather(const std::vector<json>& rows) {
  std::map<int64_t, RoundRows> rounds;
  for (const json& row : rows) {
    const std::string type = row.value("type", "");
    const int64_t round = row.value("round", int64_t(0));
    const double iteration = double(row.value("iteration", int64_t(0)));
    RoundRows& r = rounds[round];
    if (type == "iteration") {
      for (const auto& item : row.at("losses").items()) {
        ChartSeries& s = r.losses[item.key()];
        s.name = item.key();
        s.points.emplace_back(iteration, item.value().get<double>());
      }
    } else if (type == "validation") {
      const json& dice = row.at("dice");
      // One line per class, and the mean (what picks the best model) when there are several.
      const size_t lines = dice.size() > 1 ? dice.size() + 1 : dice.size();
      if (r.validation.size() < lines) {
        r.validation.resize(lines);
        for (size_t c = 0; c < dice.size(); ++c) r.validation[c].name = "class " + std::to_string(c + 1);
        if (lines > dice.size()) r.validation.back().name = "mean";
      }
      for (size_t c = 0; c < dice.size(); ++c)
        r.validation[c].points.emplace_back(iteration, dice[c].get<double>());
      if (lines > dice.size())
        r.validation.back().points.emplace_back(iteration, row.at("mean_dice").get<double>());
    } else if (type == "pseudo_labels") {
      r.pseudo_labels = row;
    } else if (type == "round_end") {
      r.end = row;
    }
  }
  return rounds;
}

json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json();
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

std::string status_text(const std::vector<json>& rows) {
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    const std::string type = it->value("type", "");
    if (type == "finished") return "finished";
    if (type == "stopped")
      return "stopped in round " + std::to_string(it->value("round", 0)) + " after iteration " +
             std::to_string(it->value("iteration", 0)) + " (" + it->value("reason", "") +
             "); continue with --resume";
    if (type == "iteration")
      return "running: round " + std::to_string(it->value("round", 0)) + ", iteration " +
             std::to_string(it->value("iteration", 0)) + ", " + fixed(it->value("it_per_s", 0.0), 2) +
             " it/s, ETA " + duration_text(it->value("eta_round_s", 0.0)) + " for the round, " +
             duration_text(it->value("eta_run_s", 0.0)) + " for the run";
  }
  return "starting";
}

// A relative file path as a URL path: bytes outside the unreserved set are percent-encoded, so
// case names with spaces, '#' or '%' still link to their file.
std::string url_path(const std::string& path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : path) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || ch == '/') {
      out += char(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

std::string metric_cell(const json& summary, const char* metric, int digits) {
  const json& mean = summary.at("mean");
  const json& std = summary.at("std");
  return fixed(mean.value(metric, 0.0), digits) + " &plusmn; " + fixed(std.value(metric, 0.0), digits);
}

// The test of the run's model: per-class and overall mean ± std, per-case Dice, previews.
std::string test_section(const std::string& experiment_dir) {
  const json summary = read_json_file(experiment_dir + "/" + kTestSummary);
  if (!summary.is_object() || !summary.contains("per_class")) return "";
  std::ostringstream html;
  const std::string unit = summary.value("distance_unit", "voxels");
  html << "<h2>Test</h2>\n<p>Model <code>" << html_escape(summary.value("checkpoint", ""))
       << "</code> on <code>" << html_escape(summary.value("list", "")) << "</code>, "
       << summary.at("cases").size() << " cases; HD95 and ASD in " << html_escape(unit)
       << ".</p>\n<table class=\"test\">\n<tr><th>class</th><th>Dice</th><th>Jaccard</th><th>HD95</th>"
          "<th>ASD</th><th>cases</th></tr>\n";
  const auto row = [&](const std::string& name, const json& s) {
    html << "<tr><td>" << name << "</td><td>" << metric_cell(s, "dice", 4) << "</td><td>"
         << metric_cell(s, "jaccard", 4) << "</td><td>" << metric_cell(s, "hd95", 2) << "</td><td>"
         << metric_cell(s, "asd", 2) << "</td><td>" << s.value("count", 0) << "</td></tr>\n";
  };
  for (const auto& item : summary.at("per_class").items()) row("class " + item.key(), item.value());
  if (summary.contains("overall")) row("all classes", summary.at("overall"));
  html << "</table>\n<table>\n<tr><th>case</th><th>Dice per class</th></tr>\n";
  for (const json& c : summary.at("cases")) {
    std::string dice;
    for (const auto& item : c.at("classes").items())
      dice += (dice.empty() ? "" : ", ") + item.key() + ": " +
              fixed(item.value().value("dice", 0.0));
    html << "<tr><td>" << html_escape(c.value("case", "")) << "</td><td>" << dice << "</td></tr>\n";
  }
  html << "</table>\n";
  const json previews = read_json_file(experiment_dir + "/" + kPreviewListing);
  if (previews.is_object() && previews.contains("cases") && !previews.at("cases").empty()) {
    html << "<h3>Predictions</h3>\n<p>" << html_escape(previews.value("legend", "")) << ".</p>\n";
    for (const json& c : previews.at("cases")) {
      html << "<div class=\"case\"><p><b>" << html_escape(c.value("case", "")) << "</b>";
      if (c.contains("dice")) html << " &mdash; Dice " << dice_list(c.at("dice"));
      html << "</p>\n<div class=\"charts\">\n";
      for (const json& slice : c.at("slices"))
        html << "<figure><img src=\"" << html_escape(url_path(slice.value("file", ""))) << "\" alt=\""
             << html_escape(c.value("case", "")) << " slice z=" << slice.value("z", 0)
             << "\"><figcaption>z = " << slice.value("z", 0) << "</figcaption></figure>\n";
      html << "</div></div>\n";
    }
  }
  return html.str();
}

}  // namespace

std::string report_path(const std::string& experiment_dir) {
  return experiment_dir + "/report.html";
}

std::string run_report_html(const std::string& experiment_dir) {
  const json config = read_json_file(config_json_path(experiment_dir));
  const std::vector<json> rows = read_progress(progress_path(experiment_dir));
  const std::map<int64_t, RoundRows> rounds = gather(rows);
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<title>semisam training report</title>\n<style>\n"
       << "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;"
          "margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;"
          "font-size:13px}th{background:#f3f3f3}.charts{display:flex;flex-wrap:wrap;gap:12px}"
          "code{font-size:12px}figure{margin:0}figcaption{font-size:12px;color:#555}"
          "img{image-rendering:pixelated}\n</style>\n</head>\n<body>\n"
       << "<h1>SemiSAM-O1 training report</h1>\n<p>Experiment <code>"
       << html_escape(experiment_dir) << "</code>: " << html_escape(status_text(rows)) << ".</p>\n";

  html << "<h2>Rounds</h2>\n<table>\n<tr><th>round</th><th>pseudo-labels</th>"
          "<th>pseudo-label Dice (vs labels in unlabelled files)</th><th>best validation Dice</th>"
          "<th>per class</th><th>at iteration</th></tr>\n";
  for (const auto& [round, r] : rounds) {
    if (round < 1) continue;
    html << "<tr><td>" << round << "</td><td>"
         << html_escape(r.pseudo_labels.is_object() ? r.pseudo_labels.value("source", "") : "")
         << "</td><td>"
         << (r.pseudo_labels.is_object() && r.pseudo_labels.contains("quality_dice")
                 ? dice_list(r.pseudo_labels.at("quality_dice"))
                 : "unknown")
         << "</td>";
    if (r.end.is_object() && r.end.value("best_iteration", 0) == 0)
      html << "<td colspan=\"3\">no validation beat Dice 0: the last weights were kept</td>";
    else if (r.end.is_object())
      html << "<td>" << fixed(r.end.value("best_dice", 0.0)) << "</td><td>"
           << dice_list(r.end.value("best_class_dice", json::array())) << "</td><td>"
           << r.end.value("best_iteration", 0) << "</td>";
    else
      html << "<td colspan=\"3\">in progress</td>";
    html << "</tr>\n";
  }
  html << "</table>\n" << test_section(experiment_dir);

  for (const auto& [round, r] : rounds) {
    if (round < 1 || (r.losses.empty() && r.validation.empty())) continue;
    html << "<h2>Round " << round << "</h2>\n<div class=\"charts\">\n";
    std::vector<ChartSeries> losses;
    for (const auto& [name, s] : r.losses) losses.push_back(s);
    ChartOptions loss_options;
    loss_options.title = "Round " + std::to_string(round) + ": training losses";
    loss_options.x_label = "iteration";
    loss_options.y_label = "loss";
    loss_options.y_from_zero = true;
    html << line_chart_svg(losses, loss_options) << "\n";
    ChartOptions dice_options;
    dice_options.title = "Round " + std::to_string(round) + ": validation Dice";
    dice_options.x_label = "iteration";
    dice_options.y_label = "Dice";
    dice_options.y_min = 0.0;
    dice_options.y_max = 1.0;
    dice_options.markers = true;
    html << line_chart_svg(r.validation, dice_options) << "\n</div>\n";
  }

  std::string events;
  for (const json& row : rows) {
    const std::string type = row.value("type", "");
    if (type != "stopped" && type != "resumed") continue;
    events += "<tr><td>" + type + "</td><td>" + std::to_string(row.value("round", 0)) +
              "</td><td>" + std::to_string(row.value("iteration", 0)) + "</td><td>" +
              html_escape(type == "stopped" ? row.value("reason", "")
                                            : row.value("command_line", "")) +
              "</td></tr>\n";
  }
  if (!events.empty())
    html << "<h2>Stops and resumes</h2>\n<table>\n<tr><th>event</th><th>round</th>"
            "<th>iteration</th><th>reason / command</th></tr>\n"
         << events << "</table>\n";

  html << "<h2>Settings</h2>\n";
  if (config.is_object() && config.contains("settings")) {
    html << "<p>Command: <code>" << html_escape(config.value("command_line", "")) << "</code></p>\n"
         << "<table>\n<tr><th>flag</th><th>value</th></tr>\n";
    for (const auto& item : config.at("settings").items())
      html << "<tr><td>--" << html_escape(item.key()) << "</td><td>"
           << html_escape(item.value().is_string() ? item.value().get<std::string>()
                                                   : item.value().dump())
           << "</td></tr>\n";
    html << "</table>\n";
  } else {
    html << "<p>config.json is missing.</p>\n";
  }
  html << "<p>Drawn from <code>config.json</code>, <code>progress.jsonl</code> and, after a "
          "test, <code>summary.json</code> and <code>test_previews/</code> in this folder.</p>\n"
          "</body>\n</html>\n";
  return html.str();
}

void write_run_report(const std::string& experiment_dir) {
  io::write_text_atomically(report_path(experiment_dir), run_report_html(experiment_dir));
}

}  // namespace semisam::ssl
