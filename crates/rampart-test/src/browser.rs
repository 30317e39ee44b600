//! Headless Chromium for the tests of HTML reports: what a person would see.
//!
//! [`chromium`] finds Debian's `chromium`; when `$CI` is set and it is missing the test
//! fails (`.ci/run` installs it), otherwise it is skipped with a warning.
//! [`drawn_share`] decodes a screenshot (8-bit RGB or RGBA PNG, the kind Chromium
//! writes; PNG decoding is written here because no test needs more than this and the
//! workspace already has `flate2`) and says how much of it is not background.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Chromium, when installed; with `$CI` set, a missing browser fails the test.
#[must_use]
pub fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    assert!(
        found.is_some() || std::env::var_os("CI").is_none(),
        "CI is set but Chromium is not installed (.ci/run installs Debian's chromium)"
    );
    if found.is_none() {
        eprintln!("skipped: Chromium is not installed (set CI to make this a failure)");
    }
    found
}

/// Runs headless Chromium with its own profile directory and `args`.
#[must_use]
pub fn headless(browser: &Path, profile: &Path, args: &[&str]) -> Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("run chromium")
}

/// The pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes), as
/// (width, height, bytes per pixel, rows without their filter bytes).
fn decode_png(png: &[u8]) -> (usize, usize, usize, Vec<u8>) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let (mut at, mut idat) = (8, Vec::new());
    let (mut width, mut height, mut bpp) = (0, 0, 0);
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind = &png[at + 4..at + 8];
        let data = &png[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                height = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                assert_eq!(data[8], 8, "bit depth");
                assert_eq!(data[12], 0, "interlaced");
                bpp = match data[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("colour type {other}"),
                };
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(idat.as_slice())
        .read_to_end(&mut raw)
        .unwrap();
    let stride = width * bpp;
    let mut out = vec![0u8; stride * height];
    for y in 0..height {
        let filter = raw[y * (stride + 1)];
        let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
        for x in 0..stride {
            let a = if x >= bpp {
                out[y * stride + x - bpp]
            } else {
                0
            };
            let b = if y > 0 { out[(y - 1) * stride + x] } else { 0 };
            let c = if x >= bpp && y > 0 {
                out[(y - 1) * stride + x - bpp]
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                other => panic!("filter {other}"),
            };
            out[y * stride + x] = line[x].wrapping_add(predicted);
        }
    }
    (width, height, bpp, out)
}

/// The screenshot's width, height and the share of its pixels that are drawn (any
/// channel below 200: text, lines, fills), from 0 (blank) to 1.
#[must_use]
pub fn drawn_share(png: &[u8]) -> (usize, usize, f64) {
    let (width, height, bpp, pixels) = decode_png(png);
    let drawn = pixels
        .chunks_exact(bpp)
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    (width, height, drawn as f64 / (width * height).max(1) as f64)
}

/// A 1280×900 screenshot of `url` written to `png` (the test fails, showing Chromium's
/// stderr, when none is written), and [`drawn_share`] of it. `extra` goes to Chromium
/// before the URL (e.g. `--virtual-time-budget=5000` for a page that loads data).
#[must_use]
pub fn screenshot(
    browser: &Path,
    profile: &Path,
    png: &Path,
    extra: &[&str],
    url: &str,
) -> (usize, usize, f64) {
    let size = "--window-size=1280,900".to_string();
    let target = format!("--screenshot={}", png.display());
    let mut args: Vec<&str> = vec![&size];
    args.extend_from_slice(extra);
    args.push(&target);
    args.push(url);
    let out = headless(browser, profile, &args);
    assert!(png.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    drawn_share(&std::fs::read(png).expect("read the screenshot"))
}
