//! The gateway's JSON log lines, written without a serializer for its own events.
//!
//! Every request logs one line. Through `tracing-subscriber`'s JSON formatter that line
//! cost about 2.5 us (5% of a request's CPU with the guards off): each field goes
//! through `serde_json` into a `fmt::Write` adaptor that checks the UTF-8 of every
//! piece again, and the time through `fmt`. [`JsonLines`] writes the events of the
//! gateway's own target (`rampart::gateway`) straight into the line, byte for byte
//! what the stock formatter writes (`timestamp`, `level`, the fields in order,
//! `target`; the same escaping and the same number forms: a test holds the two side
//! by side), and hands every other event, and any event inside a span, to the stock
//! formatter unchanged.
//!
//! Written by hand because `tracing-subscriber` offers no cheaper JSON formatter and
//! no crate made for the job matches its output.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Json, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The target whose events take the direct path (the gateway's own).
pub const TARGET: &str = "rampart::gateway";

/// A JSON event formatter: the gateway's own events written directly, every other
/// event by the stock JSON formatter (flattened, no current span) that it reproduces.
pub struct JsonLines {
    inner: Format<Json>,
}

impl JsonLines {
    /// The formatter, with the stock one it hands other events to (and whose lines
    /// its own match): `format().json().flatten_event(true).with_current_span(false)`.
    pub fn new() -> Self {
        JsonLines {
            inner: tracing_subscriber::fmt::format()
                .json()
                .flatten_event(true)
                .with_current_span(false),
        }
    }
}

impl Default for JsonLines {
    fn default() -> Self {
        JsonLines::new()
    }
}

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        // other targets, and events inside a span (the stock line lists the spans),
        // go to the stock formatter; so does a clock before 1970
        let now =
            (meta.target() == TARGET && event.parent().is_none() && ctx.lookup_current().is_none())
                .then(|| {
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .ok()
                })
                .flatten();
        let Some(now) = now else {
            return self.inner.format_event(ctx, writer, event);
        };
        let mut line = String::with_capacity(384);
        line.push_str("{\"timestamp\":\"");
        push_time(&mut line, now.as_secs(), now.subsec_micros());
        line.push_str("\",\"level\":\"");
        line.push_str(meta.level().as_str());
        line.push('"');
        let mut fields = Fields {
            line: &mut line,
            scratch: String::new(),
        };
        event.record(&mut fields);
        line.push_str(",\"target\":");
        push_str(&mut line, meta.target());
        line.push_str("}\n");
        writer.write_str(&line)
    }
}

/// Writes each field as `,"name":value`, in the forms `tracing-serde` gives them.
struct Fields<'a> {
    line: &'a mut String,
    /// Reused for fields written through `Debug`.
    scratch: String,
}

impl Fields<'_> {
    fn key(&mut self, field: &Field) {
        self.line.push(',');
        push_str(self.line, field.name());
        self.line.push(':');
    }
}

impl Visit for Fields<'_> {
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.key(field);
        self.line.push_str(if value { "true" } else { "false" });
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.key(field);
        let _ = write!(self.line, "{value}");
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.key(field);
        let _ = write!(self.line, "{value}");
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.key(field);
        // serde_json's own form (shortest round-trip; NaN and infinities as null)
        match serde_json::to_string(&value) {
            Ok(s) => self.line.push_str(&s),
            Err(_) => self.line.push_str("null"),
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.key(field);
        push_str(self.line, value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.key(field);
        self.scratch.clear();
        let _ = write!(self.scratch, "{value:?}");
        push_str(self.line, &self.scratch);
    }
}

/// `s` as a JSON string, escaped as `serde_json` escapes it: `"` and `\`, the short
/// forms `\b \f \n \r \t`, other control characters as `\u00XX` (lowercase hex);
/// everything else, non-ASCII included, as it is.
fn push_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `i` is at an ASCII byte, so a character boundary
        out.push_str(s.get(start..i).unwrap_or_default());
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

/// `secs` since the Unix epoch and `micros` as `tracing-subscriber` writes them:
/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, proleptic Gregorian).
fn push_time(out: &mut String, secs: u64, micros: u32) {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
}

/// The calendar date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`, for
/// dates on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Capture {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Capture {
        type Writer = Capture;
        fn make_writer(&'a self) -> Capture {
            self.clone()
        }
    }

    #[derive(Debug)]
    struct Odd {
        #[allow(dead_code)]
        name: &'static str,
    }

    /// Events of every field kind, escapes and targets.
    fn emit() {
        let hostile = "quote \" back \\ nl \n cr \r tab \t bell \u{7} bs \u{8} ff \u{c} nul \u{0} del \u{7f} \u{1f} é 😀 </script>";
        tracing::info!(target: TARGET, request_id = "req-1", principal = "p", tenant = "t", route = "/v1/chat/completions", model = hostile, upstream = "mock", decision = "allow", rules = "", tokens_in = 10u64, tokens_out = 5u64, "request");
        tracing::warn!(target: TARGET, status = 401u16, client = %std::net::Ipv4Addr::LOCALHOST, "refused");
        tracing::error!(target: TARGET, error = %hostile, n = -42i64, big = u64::MAX, flag = true, off = false, "rate limit check failed; refusing");
        tracing::info!(target: TARGET, ratio = 1.5f64, nan = f64::NAN, inf = f64::INFINITY, tiny = 1e-300f64, whole = 3.0f64, "floats {} {hostile}", 7);
        tracing::info!(target: TARGET, debug = ?Odd { name: "x\"y" }, wide = 170_141_183_460_469_231_731_687_303_715_884_105_727i128, "kinds");
        let e = std::io::Error::other("disk \"full\"");
        tracing::error!(target: TARGET, error = &e as &dyn std::error::Error, "an error");
        tracing::info!(target: TARGET, "");
        tracing::info!(target: "rampart::other", value = "x", "another target");
        let span = tracing::info_span!(target: TARGET, "outer", id = 3);
        let _entered = span.enter();
        tracing::info!(target: TARGET, inner = "y", "inside a span");
    }

    fn lines(fast: bool) -> Vec<String> {
        let out = Capture::default();
        let builder = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(out.clone())
            .with_ansi(false)
            .json()
            .flatten_event(true)
            .with_current_span(false);
        if fast {
            let sub = builder.event_format(JsonLines::new()).finish();
            tracing::subscriber::with_default(sub, emit);
        } else {
            tracing::subscriber::with_default(builder.finish(), emit);
        }
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        text.lines().map(str::to_string).collect()
    }

    /// The line without its timestamp value (the two runs read the clock apart).
    fn untimed(line: &str) -> String {
        let at = line.find("\"timestamp\":\"").unwrap() + 13;
        let end = at + line[at..].find('"').unwrap();
        format!("{}{}", &line[..at], &line[end..])
    }

    #[test]
    fn lines_are_byte_for_byte_the_stock_json_lines() {
        let (stock, fast) = (lines(false), lines(true));
        assert_eq!(stock.len(), 9, "{stock:#?}");
        assert_eq!(fast.len(), stock.len());
        for (s, f) in stock.iter().zip(&fast) {
            assert_eq!(untimed(s), untimed(f));
            // the timestamps have the same shape
            let ts = |l: &str| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["timestamp"]
                    .as_str()
                    .unwrap()
                    .to_string()
            };
            let (a, b) = (ts(s), ts(f));
            assert_eq!(a.len(), b.len(), "{a} {b}");
            assert_eq!(&a[..13], &b[..13], "{a} {b}");
        }
        // the hostile text came back intact through a JSON parser
        let first: serde_json::Value = serde_json::from_str(&fast[0]).unwrap();
        assert!(first["model"]
            .as_str()
            .unwrap()
            .contains("nul \u{0} del \u{7f}"));
        assert!(fast[8].contains("\"spans\""), "{}", fast[8]);
    }

    #[test]
    fn times_are_written_as_the_stock_timer_writes_them() {
        let t = |secs, micros| {
            let mut s = String::new();
            push_time(&mut s, secs, micros);
            s
        };
        assert_eq!(t(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(t(951_782_400, 5), "2000-02-29T00:00:00.000005Z");
        assert_eq!(t(1_709_164_799, 999_999), "2024-02-28T23:59:59.999999Z");
        assert_eq!(t(1_798_670_692, 162_786), "2026-12-30T22:44:52.162786Z");
        assert_eq!(t(4_102_444_800, 0), "2100-01-01T00:00:00.000000Z");
        // every day boundary of four years (leap years included) against a count
        let (mut y, mut m, mut d) = (2023u64, 1u64, 1u64);
        let start = 19_358u64; // 2023-01-01
        for days in start..start + 4 * 366 {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
            let len = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ];
            d += 1;
            if d > len[(m - 1) as usize] {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }
}
