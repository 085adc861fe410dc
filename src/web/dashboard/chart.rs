//! A campaign's progress over time as an inline SVG: one line per state (signed up, did
//! it, waiting), the same numbers in the table beside it.

use std::fmt::Write;

use crate::engine::html::escape;

/// One line of the chart.
pub struct Series<'a> {
    /// Its name in the legend.
    pub name: &'a str,
    /// Its colour (dark enough on white for a thin line).
    pub colour: &'a str,
    /// Its value at each point.
    pub values: Vec<i64>,
}

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 36.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 24.0;

/// The SVG; `labels` name the points (first and last are written under the axis), `title`
/// and `desc` are what a screen reader says.
pub fn lines(id: &str, labels: &[String], series: &[Series<'_>], title: &str, desc: &str) -> String {
    let id = escape(id);
    let max = series.iter().flat_map(|s| s.values.iter().copied()).max().unwrap_or(0).max(1);
    let n = labels.len().max(1);
    let x = |i: usize| if n == 1 { LEFT } else { LEFT + (WIDTH - LEFT - 8.0) * i as f64 / (n - 1) as f64 };
    let y = |v: i64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v as f64 / max as f64);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" class=\"chart\" \
         font-family=\"system-ui, sans-serif\" font-size=\"11\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    let axis = HEIGHT - BOTTOM;
    let _ = write!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{axis}\" x2=\"{WIDTH}\" y2=\"{axis}\" stroke=\"#767676\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{max}</text><text x=\"{}\" y=\"{axis}\" text-anchor=\"end\">0</text>",
        LEFT - 4.0,
        TOP + 4.0,
        LEFT - 4.0
    );
    if let (Some(first), Some(last)) = (labels.first(), labels.last()) {
        let _ = write!(s, "<text x=\"{LEFT}\" y=\"{}\">{}</text>", HEIGHT - 6.0, escape(first));
        let _ = write!(s, "<text x=\"{WIDTH}\" y=\"{}\" text-anchor=\"end\">{}</text>", HEIGHT - 6.0, escape(last));
    }
    for (k, line) in series.iter().enumerate() {
        let points: Vec<String> =
            line.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\" points=\"{}\"/>",
            line.colour,
            points.join(" ")
        );
        // Each point marked too: a campaign a week old has one, which a line cannot show.
        for (i, v) in line.values.iter().enumerate() {
            let _ = write!(s, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"/>", x(i), y(*v), line.colour);
        }
        let lx = LEFT + 8.0 + 140.0 * k as f64;
        let _ = write!(
            s,
            "<rect x=\"{lx}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"13\">{}</text>",
            line.colour,
            lx + 14.0,
            escape(line.name)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_rise_with_their_values_and_say_them() {
        let labels = vec!["Nov 1".to_string(), "Nov 8".to_string(), "Nov 15".to_string()];
        let series = [Series { name: "signed up", colour: "#1d4f91", values: vec![0, 5, 10] }];
        let svg = lines("c", &labels, &series, "Progress", "10 signed up by Nov 15");
        assert!(svg.contains("points=\"36.0,176.0 254.0,100.0 472.0,24.0\""), "{svg}");
        assert!(svg.contains("<desc id=\"c-desc\">10 signed up by Nov 15</desc>"));
        assert!(svg.contains(">Nov 1</text>") && svg.contains(">Nov 15</text>"));
    }
}
