//! Which rows of a long table are drawn: those in view and a few either
//! side, the rest stood in for by spacers of their height, and the row that
//! holds the focus kept wherever it is, so that the focus survives scrolling
//! away and back. Plain arithmetic on measured heights, tested natively; the
//! sync-job table measures, scrolls and draws.

/// Pages of more rows than this are drawn windowed: of the page sizes
/// offered, 1,000 and 10,000. Measured (reply to paint, headless Chromium at
/// 1280 × 900, a loaded two-core machine, medians of 3): keywatch draws 100
/// rows whole in 201 ms and a window over 1,000 in 221 ms, so up to 100
/// every row stays in the DOM (the browser's own find sees them all, and
/// "Find in this page" only hides rows). The plain-JavaScript pages of
/// `cargo xtask bench render` draw 50 rows whole in 66 ms, a window in 60,
/// and 100 rows in 115 ms against 59: windowing the 100-row page too would
/// save some 50 ms there.
pub const WINDOW_FROM: usize = 100;

/// Rows drawn beyond each edge of the view: room for Tab and the arrow
/// keys to move before the window follows, and for a fast wheel.
pub const OVERSCAN: usize = 8;

/// The rows' heights in pixels: every row one height (measured from the rows
/// drawn), but the open row, whose detail adds `open.1` below it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Heights {
    pub row: f64,
    /// The open row's position, and its detail's height.
    pub open: Option<(usize, f64)>,
}

impl Heights {
    fn row(&self) -> f64 {
        if self.row > 0.5 {
            self.row
        } else {
            1.0
        }
    }

    /// Where row `at` begins, from the top of the first.
    pub fn top(&self, at: usize) -> f64 {
        let extra = match self.open {
            Some((open, detail)) if open < at => detail,
            _ => 0.0,
        };
        at as f64 * self.row() + extra
    }

    /// The row under `y`, among `count` rows (the last one past the end).
    pub fn at(&self, y: f64, count: usize) -> usize {
        let y = y.max(0.0);
        let row = self.row();
        let at = match self.open {
            Some((open, detail)) if y >= self.top(open + 1) => ((y - detail) / row) as usize,
            Some((open, _)) => ((y / row) as usize).min(open),
            None => (y / row) as usize,
        };
        at.min(count.saturating_sub(1))
    }
}

/// The focused row, drawn apart from the window, and the spacer between
/// them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Kept {
    pub at: usize,
    pub gap: f64,
}

/// What to draw: a spacer of `top` pixels, the kept row when it comes
/// before the window, rows `first..end`, the kept row when it comes after,
/// and a spacer of `bottom` pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub top: f64,
    pub first: usize,
    pub end: usize,
    pub kept: Option<Kept>,
    pub bottom: f64,
}

/// The rows in view between `y` and `y + height` (the table's scroll
/// position and height), with `OVERSCAN` either side.
pub fn in_view(heights: &Heights, count: usize, y: f64, height: f64) -> (usize, usize) {
    if count == 0 {
        return (0, 0);
    }
    let first = heights.at(y, count).saturating_sub(OVERSCAN);
    let last = heights.at(y + height.max(0.0), count);
    (first, (last + 1 + OVERSCAN).min(count))
}

/// The window over `count` rows for the rows `view` in view (from
/// [`in_view`]), keeping row `keep` (the focused one) drawn.
pub fn window(
    heights: &Heights,
    count: usize,
    view: (usize, usize),
    keep: Option<usize>,
) -> Window {
    let end = view.1.min(count);
    let first = view.0.min(end);
    let total = heights.top(count);
    let kept = keep.filter(|k| *k < count && (*k < first || *k >= end));
    match kept {
        Some(k) if k < first => Window {
            top: heights.top(k),
            first,
            end,
            kept: Some(Kept {
                at: k,
                gap: heights.top(first) - heights.top(k + 1),
            }),
            bottom: total - heights.top(end),
        },
        Some(k) => Window {
            top: heights.top(first),
            first,
            end,
            kept: Some(Kept {
                at: k,
                gap: heights.top(k) - heights.top(end),
            }),
            bottom: total - heights.top(k + 1),
        },
        None => Window {
            top: heights.top(first),
            first,
            end,
            kept: None,
            bottom: total - heights.top(end),
        },
    }
}

/// `aria-rowindex` of the row at `at`: the header is row 1, and an open
/// row's detail is a row of its own.
pub fn row_index(at: usize, open: Option<usize>) -> usize {
    at + 2 + usize::from(open.is_some_and(|o| o < at))
}

/// `aria-rowcount` of a table of `count` rows under one header row.
pub fn row_count(count: usize, open: Option<usize>) -> usize {
    count + 1 + usize::from(open.is_some_and(|o| o < count))
}

/// The keys of a window's rows. A job drawn last keeps its key; a job
/// coming into the window takes the key of one that left. So a row
/// scrolled out lends its element to the row scrolled in (Yew patches its
/// text and attributes instead of building one row and taking another
/// apart: 5 s of scrolling 10,000 jobs, 2.95 s of script against 1.95), a
/// row that stays, as when "Find in this page" leaves out a few jobs above
/// it, is not touched, and the focused row, drawn wherever it scrolls,
/// keeps its element and the focus in it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowKeys {
    /// The jobs drawn last, in order, with their keys.
    drawn: Vec<(String, usize)>,
    /// Keys made so far: a new one is this number.
    made: usize,
}

impl RowKeys {
    /// Keys for the jobs `ids`, drawn in this order.
    pub fn next(&self, ids: &[&str]) -> RowKeys {
        let mut free = self
            .drawn
            .iter()
            .filter(|(id, _)| !ids.contains(&id.as_str()))
            .map(|(_, key)| *key);
        let mut made = self.made;
        let mut drawn: Vec<(String, usize)> = Vec::with_capacity(ids.len());
        for id in ids {
            // A job twice on one page (a server's fault) keeps one key.
            let kept = self
                .drawn
                .iter()
                .find(|(was, _)| was == id)
                .map(|(_, key)| *key)
                .filter(|key| !drawn.iter().any(|(_, k)| k == key));
            let key = kept.or_else(|| free.next()).unwrap_or_else(|| {
                made += 1;
                made - 1
            });
            drawn.push(((*id).to_owned(), key));
        }
        RowKeys { drawn, made }
    }

    /// The keys of the jobs given to [`RowKeys::next`], in their order.
    pub fn keys(&self) -> impl Iterator<Item = usize> + '_ {
        self.drawn.iter().map(|(_, key)| *key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: Heights = Heights {
        row: 30.0,
        open: None,
    };

    #[test]
    fn a_row_is_found_under_any_point() {
        assert_eq!(ROWS.at(0.0, 100), 0);
        assert_eq!(ROWS.at(29.9, 100), 0);
        assert_eq!(ROWS.at(30.0, 100), 1);
        assert_eq!(ROWS.at(-5.0, 100), 0);
        assert_eq!(ROWS.at(1e9, 100), 99, "past the end: the last row");
        // Row 2 is open with a 100 px detail: rows 3 and on move down.
        let open = Heights {
            row: 30.0,
            open: Some((2, 100.0)),
        };
        assert_eq!(open.top(2), 60.0);
        assert_eq!(open.top(3), 190.0);
        assert_eq!(open.at(60.0, 100), 2);
        assert_eq!(open.at(189.0, 100), 2, "the detail belongs to its row");
        assert_eq!(open.at(190.0, 100), 3);
        assert_eq!(open.at(250.0, 100), 5);
        // A height not measured yet cannot divide by zero.
        let unmeasured = Heights {
            row: 0.0,
            open: None,
        };
        assert_eq!(unmeasured.at(5.0, 10), 5);
    }

    #[test]
    fn the_window_holds_the_view_and_the_spacers_the_rest() {
        // 10,000 rows of 30 px, 600 px in view, scrolled to row 1,000.
        let view = in_view(&ROWS, 10_000, 30_000.0, 600.0);
        assert_eq!(view, (1_000 - OVERSCAN, 1_021 + OVERSCAN));
        let w = window(&ROWS, 10_000, view, None);
        assert_eq!((w.first, w.end), view);
        assert_eq!(w.top, (1_000 - OVERSCAN) as f64 * 30.0);
        assert_eq!(w.bottom, (10_000 - 1_021 - OVERSCAN) as f64 * 30.0);
        // Spacers and rows add up to the whole table.
        let drawn = (w.end - w.first) as f64 * 30.0;
        assert_eq!(w.top + drawn + w.bottom, 300_000.0);
        assert!(w.end - w.first <= 21 + 2 * OVERSCAN + 1);
    }

    #[test]
    fn the_edges_and_short_tables() {
        let top = in_view(&ROWS, 10_000, 0.0, 600.0);
        assert_eq!(top, (0, 21 + OVERSCAN));
        let bottom = in_view(&ROWS, 10_000, 299_400.0, 600.0);
        assert_eq!(bottom, (9_980 - OVERSCAN, 10_000));
        let w = window(&ROWS, 10_000, bottom, None);
        assert_eq!(w.bottom, 0.0);
        // Fewer rows than fit: all of them, no spacer.
        let w = window(&ROWS, 5, in_view(&ROWS, 5, 0.0, 600.0), None);
        assert_eq!((w.first, w.end, w.top, w.bottom), (0, 5, 0.0, 0.0));
        assert_eq!(in_view(&ROWS, 0, 0.0, 600.0), (0, 0));
        // A view from an older, longer list (find narrowed it) is clamped.
        let w = window(&ROWS, 50, (9_000, 9_030), None);
        assert_eq!((w.first, w.end), (50, 50));
        assert_eq!(w.top, 1_500.0);
        assert_eq!(w.bottom, 0.0);
    }

    #[test]
    fn an_open_row_s_detail_is_counted_in_the_spacers() {
        let open = Heights {
            row: 30.0,
            open: Some((10, 200.0)),
        };
        // The open row far above the window: the top spacer holds its detail.
        let w = window(&open, 1_000, (500, 540), None);
        assert_eq!(w.top, 500.0 * 30.0 + 200.0);
        assert_eq!(w.bottom, 460.0 * 30.0);
        // Far below: the bottom spacer does.
        let w = window(&open, 1_000, (0, 5), None);
        assert_eq!(w.top, 0.0);
        assert_eq!(w.bottom, 995.0 * 30.0 + 200.0);
        // Inside: drawn with its row, in neither.
        let w = window(&open, 1_000, (0, 40), None);
        assert_eq!(w.top + w.bottom, 960.0 * 30.0);
        assert_eq!(open.top(1_000), 30_200.0);
    }

    #[test]
    fn the_focused_row_is_kept_with_a_gap_on_its_side() {
        // Focus on row 3, the window scrolled down to rows 500–540.
        let w = window(&ROWS, 1_000, (500, 540), Some(3));
        assert_eq!(
            w.kept,
            Some(Kept {
                at: 3,
                gap: 496.0 * 30.0
            })
        );
        assert_eq!(w.top, 90.0);
        // top + kept row + gap + window + bottom = the whole table.
        assert_eq!(
            w.top + 30.0 + 496.0 * 30.0 + 40.0 * 30.0 + w.bottom,
            30_000.0
        );
        // Focus below the window.
        let w = window(&ROWS, 1_000, (0, 40), Some(900));
        assert_eq!(w.top, 0.0);
        assert_eq!(
            w.kept,
            Some(Kept {
                at: 900,
                gap: 860.0 * 30.0
            })
        );
        assert_eq!(w.bottom, 99.0 * 30.0);
        // In the window, or gone from the list: nothing kept apart.
        assert_eq!(window(&ROWS, 1_000, (0, 40), Some(20)).kept, None);
        assert_eq!(window(&ROWS, 10, (0, 10), Some(900)).kept, None);
        // Kept and open: the open row's detail is on the right side.
        let open = Heights {
            row: 30.0,
            open: Some((3, 100.0)),
        };
        let w = window(&open, 1_000, (500, 540), Some(3));
        assert_eq!(w.top, 90.0);
        assert_eq!(w.kept.map(|k| k.gap), Some(496.0 * 30.0));
        assert_eq!(w.bottom, 460.0 * 30.0);
    }

    #[test]
    fn rows_are_numbered_for_screen_readers() {
        assert_eq!(row_index(0, None), 2, "the header is row 1");
        assert_eq!(row_index(9_999, None), 10_001);
        assert_eq!(row_index(5, Some(2)), 8, "row 2's detail is row 5");
        assert_eq!(row_index(2, Some(2)), 4);
        assert_eq!(row_count(10_000, None), 10_001);
        assert_eq!(row_count(10_000, Some(0)), 10_002);
        assert_eq!(row_count(10, Some(12)), 11, "an open row no longer shown");
    }

    fn ids(range: std::ops::Range<usize>) -> Vec<String> {
        range.map(|at| format!("job-{at}")).collect()
    }

    fn next(keys: &RowKeys, ids: &[String]) -> RowKeys {
        keys.next(&ids.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn sorted(keys: &RowKeys) -> Vec<usize> {
        let mut all: Vec<usize> = keys.keys().collect();
        all.sort_unstable();
        all
    }

    #[test]
    fn rows_scrolled_in_take_the_keys_of_those_scrolled_out() {
        let first = next(&RowKeys::default(), &ids(100..140));
        assert_eq!(sorted(&first), (0..40).collect::<Vec<_>>());
        for shift in [1, 7, 33, 40, 1_000] {
            let after = next(&first, &ids(100 + shift..140 + shift));
            assert_eq!(
                sorted(&after),
                sorted(&first),
                "a shift of {shift}: the same 40 elements"
            );
            // The rows in both windows keep theirs: nothing to patch.
            for (at, key) in (100 + shift..140).zip(after.keys()) {
                assert_eq!(Some(key), first.keys().nth(at - 100));
            }
        }
    }

    #[test]
    fn a_job_still_drawn_keeps_its_key_when_rows_above_it_go() {
        let first = next(&RowKeys::default(), &ids(0..10));
        // Find left out job-2 and job-5: the others keep their keys, the
        // two jobs now drawn at the foot take the keys those left.
        let mut found = ids(0..12);
        found.retain(|id| id != "job-2" && id != "job-5");
        let after = next(&first, &found);
        let key_of = |keys: &RowKeys, id: &str| {
            keys.drawn
                .iter()
                .find(|(was, _)| was == id)
                .map(|(_, k)| *k)
        };
        for id in ["job-0", "job-1", "job-3", "job-4", "job-9"] {
            assert_eq!(key_of(&after, id), key_of(&first, id), "{id}");
        }
        assert_eq!(key_of(&after, "job-10"), key_of(&first, "job-2"));
        assert_eq!(key_of(&after, "job-11"), key_of(&first, "job-5"));
    }

    #[test]
    fn the_kept_row_keeps_its_key_and_a_longer_window_makes_new_ones() {
        let first = next(&RowKeys::default(), &ids(0..10));
        // Row 3 holds the focus; the window moves to 500..510, row 3 drawn before it.
        let mut far = vec!["job-3".to_owned()];
        far.extend(ids(500..510));
        let after = next(&first, &far);
        assert_eq!(after.keys().next(), first.keys().nth(3));
        assert_eq!(
            sorted(&after),
            (0..11).collect::<Vec<_>>(),
            "one key made for the eleventh row"
        );
        assert_eq!(after.made, 11);
    }

    #[test]
    fn keys_are_distinct_even_when_a_page_repeats_a_job() {
        let first = next(&RowKeys::default(), &ids(0..4));
        let twice = vec![
            "job-1".to_owned(),
            "job-1".to_owned(),
            "job-2".to_owned(),
            "job-9".to_owned(),
        ];
        let after = next(&first, &twice);
        let mut all: Vec<usize> = after.keys().collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 4, "{:?}", after.keys().collect::<Vec<_>>());
    }
}
