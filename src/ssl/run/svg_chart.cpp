// Inline SVG line charts.
#include "ssl/run/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace semisam::ssl {
namespace {

// Distinguishable colours (Okabe–Ito), in the order series are drawn.
const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                "#E69F00", "#56B4E9", "#000000", "#F0E442"};

std::string number(double v) {
  char buffer[32];
  if (v != 0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-3))
    std::snprintf(buffer, sizeof buffer, "%.2g", v);
  else
    std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

std::string coordinate(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

// A tick spacing of 1, 2 or 5 × 10^k giving about `count` intervals over `span`.
double tick_step(double span, int count) {
  const double raw = span / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  return magnitude * (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10);
}

std::vector<double> ticks(double lo, double hi) {
  const double step = tick_step(hi - lo, 4);
  std::vector<double> out;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    out.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  return out;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string line_chart_svg(const std::vector<ChartSeries>& series, const ChartOptions& o) {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const ChartSeries& s : series)
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << o.width << "\" height=\""
      << o.height << "\" viewBox=\"0 0 " << o.width << ' ' << o.height
      << "\" role=\"img\" aria-label=\"" << html_escape(o.title) << "\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\" stroke=\"#ccc\"/>\n"
      << "<text x=\"" << o.width / 2 << "\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">"
      << html_escape(o.title) << "</text>\n";
  if (!std::isfinite(x0)) {
    svg << "<text x=\"" << o.width / 2 << "\" y=\"" << o.height / 2
        << "\" text-anchor=\"middle\" font-size=\"12\" fill=\"#888\">no data yet</text>\n</svg>";
    return svg.str();
  }
  if (o.y_from_zero) y0 = std::min(y0, 0.0), y1 = std::max(y1, 0.0);
  if (o.y_max > o.y_min) y0 = o.y_min, y1 = o.y_max;
  if (x1 == x0) x0 -= 0.5, x1 += 0.5;
  if (y1 == y0) y0 -= 0.5, y1 += 0.5;
  const double left = 56, right = o.width - 130, top = 30, bottom = o.height - 40;
  const auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * (right - left); };
  const auto py = [&](double y) { return bottom - (y - y0) / (y1 - y0) * (bottom - top); };
  // Axes with grid lines at round-number ticks.
  svg << "<g font-size=\"10\" fill=\"#333\">\n";
  for (double xv : ticks(x0, x1))
    svg << "<line x1=\"" << coordinate(px(xv)) << "\" y1=\"" << top << "\" x2=\""
        << coordinate(px(xv)) << "\" y2=\"" << bottom << "\" stroke=\"#eee\"/>"
        << "<text x=\"" << coordinate(px(xv)) << "\" y=\"" << bottom + 14
        << "\" text-anchor=\"middle\">" << number(xv) << "</text>\n";
  for (double yv : ticks(y0, y1))
    svg << "<line x1=\"" << left << "\" y1=\"" << coordinate(py(yv)) << "\" x2=\"" << right
        << "\" y2=\"" << coordinate(py(yv)) << "\" stroke=\"#eee\"/>"
        << "<text x=\"" << left - 4 << "\" y=\"" << coordinate(py(yv) + 3)
        << "\" text-anchor=\"end\">" << number(yv) << "</text>\n";
  svg << "<line x1=\"" << left << "\" y1=\"" << bottom << "\" x2=\"" << right << "\" y2=\""
      << bottom << "\" stroke=\"#333\"/><line x1=\"" << left << "\" y1=\"" << top << "\" x2=\""
      << left << "\" y2=\"" << bottom << "\" stroke=\"#333\"/>\n"
      << "<text x=\"" << (left + right) / 2 << "\" y=\"" << o.height - 8
      << "\" text-anchor=\"middle\">" << html_escape(o.x_label) << "</text>\n"
      << "<text x=\"12\" y=\"" << (top + bottom) / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 12 "
      << (top + bottom) / 2 << ")\">" << html_escape(o.y_label) << "</text>\n</g>\n";
  for (size_t k = 0; k < series.size(); ++k) {
    const char* colour = kPalette[k % (sizeof kPalette / sizeof kPalette[0])];
    std::ostringstream points;
    for (const auto& [x, y] : series[k].points)
      if (std::isfinite(x) && std::isfinite(y))
        points << coordinate(px(x)) << ',' << coordinate(py(y)) << ' ';
    svg << "<polyline class=\"series\" fill=\"none\" stroke=\"" << colour
        << "\" stroke-width=\"1.5\" points=\"" << points.str() << "\"/>\n";
    if (o.markers)
      for (const auto& [x, y] : series[k].points)
        if (std::isfinite(x) && std::isfinite(y))
          svg << "<circle cx=\"" << coordinate(px(x)) << "\" cy=\"" << coordinate(py(y))
              << "\" r=\"2.5\" fill=\"" << colour << "\"/>\n";
    const double ly = top + 8 + 16 * double(k);
    svg << "<line x1=\"" << right + 10 << "\" y1=\"" << ly << "\" x2=\"" << right + 28
        << "\" y2=\"" << ly << "\" stroke=\"" << colour << "\" stroke-width=\"2\"/>"
        << "<text x=\"" << right + 32 << "\" y=\"" << ly + 4 << "\" font-size=\"11\">"
        << html_escape(series[k].name) << "</text>\n";
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace semisam::ssl
