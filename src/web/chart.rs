//! A campaign's public progress as an inline SVG: for each action, how many signed up and
//! how many did it. A count under the group's floor is drawn as no bar and said as "a few",
//! so that a small number names nobody; the chart's title and description carry the same
//! numbers as text for screen readers, and the page shows them as a table too.

use std::fmt::Write;

use crate::engine::html::escape;

/// A count as the public may see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicCount {
    /// The number (zero, or at least the floor).
    Exact(i64),
    /// More than none, fewer than the floor.
    Few,
    /// Not said at all: how many of a few did it would tell what one of them did.
    Withheld,
}

impl PublicCount {
    /// `n` as the public may see it under `floor`.
    pub fn of(n: i64, floor: u32) -> PublicCount {
        if n > 0 && n < i64::from(floor) { PublicCount::Few } else { PublicCount::Exact(n.max(0)) }
    }

    /// How many of `of` did it (`n`), as the public may see it: withheld while `of` itself is
    /// under the floor, since "none of the few" or "a few of the few" tells what each did.
    pub fn of_those(n: i64, of: PublicCount, floor: u32) -> PublicCount {
        if of == PublicCount::Few { PublicCount::Withheld } else { PublicCount::of(n, floor) }
    }

    /// The number, "a few", or a dash for a withheld one.
    pub fn say(self, a_few: &str) -> String {
        match self {
            PublicCount::Exact(n) => n.to_string(),
            PublicCount::Few => a_few.to_string(),
            PublicCount::Withheld => "–".to_string(),
        }
    }

    fn exact(self) -> Option<i64> {
        match self {
            PublicCount::Exact(n) => Some(n),
            PublicCount::Few | PublicCount::Withheld => None,
        }
    }
}

/// One action's row in the chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The action's title.
    pub label: String,
    /// People signed up.
    pub signed_up: PublicCount,
    /// Of those, people who said they did it.
    pub done: PublicCount,
}

/// The words a chart needs, in the page's language.
pub struct Words<'a> {
    /// The chart's title ("Progress: Stop the Jilamito dam").
    pub title: &'a str,
    /// "signed up".
    pub signed_up: &'a str,
    /// "did it".
    pub done: &'a str,
    /// "a few".
    pub a_few: &'a str,
}

const WIDTH: u32 = 360;
const LABEL_W: u32 = 0;
const BAR_MAX: f64 = 250.0;
const ROW_H: u32 = 58;
const TOP: u32 = 28;
const SIGNED_UP_COLOUR: &str = "#1d4f91";
const DONE_COLOUR: &str = "#1b6e3a";

/// The SVG for `rows`, `id` making its element ids unique on the page.
pub fn svg(id: &str, rows: &[Row], words: &Words<'_>) -> String {
    let id = escape(id);
    let max = rows.iter().flat_map(|r| [r.signed_up.exact(), r.done.exact()]).flatten().max().unwrap_or(0).max(1);
    let height = TOP + ROW_H * rows.len() as u32 + 4;
    let mut s = String::with_capacity(600 + rows.len() * 400);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" \
         font-family=\"system-ui, sans-serif\" font-size=\"12\" fill=\"#1a1a1a\" aria-labelledby=\"chart-{id}-title chart-{id}-desc\" class=\"chart\">\
         <title id=\"chart-{id}-title\">{}</title><desc id=\"chart-{id}-desc\">{}</desc>",
        escape(words.title),
        escape(&describe(rows, words)),
    );
    legend(&mut s, words);
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + ROW_H * i as u32;
        let _ =
            write!(s, "<text x=\"{LABEL_W}\" y=\"{}\" class=\"label\">{}</text>", y + 12, escape(&clip(&row.label)));
        bar(&mut s, y + 18, row.signed_up, max, SIGNED_UP_COLOUR, words);
        bar(&mut s, y + 36, row.done, max, DONE_COLOUR, words);
    }
    s.push_str("</svg>");
    s
}

/// The chart's numbers in one sentence per action, for its description.
pub fn describe(rows: &[Row], words: &Words<'_>) -> String {
    rows.iter()
        .map(|r| match r.done {
            PublicCount::Withheld => format!("{}: {} {}.", r.label, r.signed_up.say(words.a_few), words.signed_up),
            done => format!(
                "{}: {} {}, {} {}.",
                r.label,
                r.signed_up.say(words.a_few),
                words.signed_up,
                done.say(words.a_few),
                words.done
            ),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn legend(s: &mut String, words: &Words<'_>) {
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"4\" width=\"12\" height=\"12\" fill=\"{SIGNED_UP_COLOUR}\"/>\
         <text x=\"16\" y=\"14\" class=\"legend\">{}</text>\
         <rect x=\"150\" y=\"4\" width=\"12\" height=\"12\" fill=\"{DONE_COLOUR}\"/>\
         <text x=\"166\" y=\"14\" class=\"legend\">{}</text>",
        escape(words.signed_up),
        escape(words.done)
    );
}

/// One bar and its number; "a few" has no bar, whose length would tell the number.
fn bar(s: &mut String, y: u32, count: PublicCount, max: i64, colour: &str, words: &Words<'_>) {
    let (width, text) = match count {
        PublicCount::Exact(n) => ((n as f64 / max as f64 * BAR_MAX).round(), n.to_string()),
        PublicCount::Few => (0.0, words.a_few.to_string()),
        PublicCount::Withheld => return,
    };
    if width > 0.0 {
        let _ = write!(s, "<rect x=\"{LABEL_W}\" y=\"{y}\" width=\"{width}\" height=\"14\" fill=\"{colour}\"/>");
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" class=\"value\">{}</text>",
        f64::from(LABEL_W) + width + 4.0,
        y + 12,
        escape(&text)
    );
}

/// A label that fits the chart's width; the full title is in the table beside it.
fn clip(label: &str) -> String {
    const MAX: usize = 52;
    if label.chars().count() <= MAX {
        return label.to_string();
    }
    let mut clipped: String = label.chars().take(MAX - 1).collect();
    clipped.push('…');
    clipped
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: Words<'static> = Words { title: "Progress", signed_up: "signed up", done: "did it", a_few: "a few" };

    #[test]
    fn counts_under_the_floor_say_a_few_and_draw_no_bar() {
        assert_eq!(PublicCount::of(2, 3), PublicCount::Few);
        assert_eq!(PublicCount::of(0, 3), PublicCount::Exact(0));
        assert_eq!(PublicCount::of(3, 3), PublicCount::Exact(3));
        let rows =
            [Row { label: "Sign <the> petition".into(), signed_up: PublicCount::Few, done: PublicCount::Exact(0) }];
        let svg = svg("c", &rows, &WORDS);
        assert_eq!(svg.matches("<rect").count(), 2, "the legend's two swatches only: {svg}");
        assert!(svg.contains(">a few</text>"));
        assert!(svg.contains("Sign &lt;the&gt; petition"), "escaped: {svg}");
    }

    #[test]
    fn bars_are_to_scale_and_the_description_has_every_number() {
        let rows = [
            Row { label: "Petition".into(), signed_up: PublicCount::Exact(40), done: PublicCount::Exact(10) },
            Row { label: "Calls".into(), signed_up: PublicCount::Exact(20), done: PublicCount::Few },
        ];
        let svg = svg("jilamito", &rows, &WORDS);
        assert!(svg.contains("width=\"250\""), "the largest fills the width: {svg}");
        assert!(svg.contains("width=\"125\""), "half of it is half: {svg}");
        assert!(svg.contains("width=\"63\""), "a quarter: {svg}");
        assert!(svg.contains(
            "<desc id=\"chart-jilamito-desc\">Petition: 40 signed up, 10 did it. Calls: 20 signed up, a few did it.</desc>"
        ));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
