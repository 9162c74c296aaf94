// Line charts as inline SVG text for the self-contained HTML report: no scripts, no external
// resources, readable in any browser and diffable as text.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace semisam::ssl {

struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), in drawing order
};

struct ChartOptions {
  std::string title, x_label, y_label;
  int width = 560, height = 300;
  bool y_from_zero = false;  // include 0 in the y range (losses)
  double y_min = 0, y_max = 0;  // a fixed y range when y_max > y_min (Dice: 0..1)
  bool markers = false;      // a dot at every point (sparse series such as validations)
};

// An <svg> element: axes with ticks at round numbers (1, 2 or 5 × 10^k apart), one polyline per series (fixed colour order), a legend.
// Non-finite points are skipped; a chart without points says so instead of drawing axes.
std::string line_chart_svg(const std::vector<ChartSeries>& series, const ChartOptions& options);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(const std::string& text);

}  // namespace semisam::ssl
