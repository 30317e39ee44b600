//! Where the gateway's log lines go. One line is logged per request; written as it
//! came, each cost a `write(2)` on the request's own thread, and an append to a log
//! file can wait behind the file system's journal while the ledger's `fsync` runs.
//! Here, ordinary lines are gathered in memory and written by one thread, in one
//! `write`, [`FLUSH_AFTER`] after the first line of a batch arrived; warnings and
//! errors are written at once, after everything gathered before them, so the order
//! of lines is kept.
//!
//! Nothing is dropped: past [`MAX_PENDING`] bytes the writing line writes the whole
//! batch itself (backpressure, never loss), and dropping the [`FlushGuard`] writes
//! what is left. A crash (`SIGKILL`) can lose the ordinary lines of the last
//! [`FLUSH_AFTER`]; the ledger, not the log, is the record of requests.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long the first line of a batch waits before the batch is written.
pub const FLUSH_AFTER: Duration = Duration::from_millis(10);
/// Bytes gathered at most; a line that would go past it writes the batch itself.
pub const MAX_PENDING: usize = 256 * 1024;

struct Shared {
    /// Lines not written yet.
    pending: Mutex<Vec<u8>>,
    /// The destination (stderr in the gateway); held while a batch is written, so
    /// batches and immediate lines never interleave.
    out: Mutex<Box<dyn Write + Send>>,
    /// Set when the flushing thread has been woken for the current batch.
    armed: AtomicBool,
    stop: AtomicBool,
}

fn lock<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Writes everything gathered so far.
    fn flush(&self) -> io::Result<()> {
        let mut out = lock(&self.out);
        self.flush_locked(&mut out)
    }

    fn flush_locked(&self, out: &mut Box<dyn Write + Send>) -> io::Result<()> {
        let batch = std::mem::take(&mut *lock(&self.pending));
        if batch.is_empty() {
            return Ok(());
        }
        out.write_all(&batch)?;
        out.flush()
    }
}

/// The sink: hands out writers for gathered and immediate lines.
#[derive(Clone)]
pub struct LogSink {
    shared: Arc<Shared>,
    flusher: Arc<std::thread::Thread>,
}

/// Stops the flushing thread and writes what is left when dropped.
pub struct FlushGuard {
    shared: Arc<Shared>,
    worker: Option<JoinHandle<()>>,
}

impl LogSink {
    /// A sink writing to `out`, and the guard that writes the rest at the end.
    ///
    /// # Errors
    /// When the flushing thread cannot be started.
    pub fn new(out: Box<dyn Write + Send>) -> io::Result<(LogSink, FlushGuard)> {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Vec::with_capacity(16 * 1024)),
            out: Mutex::new(out),
            armed: AtomicBool::new(false),
            stop: AtomicBool::new(false),
        });
        let s = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("rampart-log".into())
            .spawn(move || loop {
                // parked until the first line of a batch arrives
                std::thread::park();
                if s.stop.load(Ordering::SeqCst) {
                    let _ = s.flush();
                    return;
                }
                // the lines of the next few milliseconds join it
                std::thread::sleep(FLUSH_AFTER);
                // disarmed before the batch is taken: a line added after this
                // wakes the thread again, so none is left behind
                s.armed.store(false, Ordering::Release);
                let _ = s.flush();
            })?;
        let flusher = Arc::new(worker.thread().clone());
        Ok((
            LogSink {
                shared: Arc::clone(&shared),
                flusher,
            },
            FlushGuard {
                shared,
                worker: Some(worker),
            },
        ))
    }

    /// A writer whose lines are gathered and written within [`FLUSH_AFTER`].
    #[must_use]
    pub fn gathered(&self) -> Gathered {
        Gathered { sink: self.clone() }
    }

    /// A writer whose lines are written at once, after what was gathered before.
    #[must_use]
    pub fn immediate(&self) -> Immediate {
        Immediate { sink: self.clone() }
    }

    /// Writes everything gathered so far.
    ///
    /// # Errors
    /// What the destination returns.
    pub fn flush(&self) -> io::Result<()> {
        self.shared.flush()
    }
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(w) = self.worker.take() {
            w.thread().unpark();
            let _ = w.join();
        }
        let _ = self.shared.flush();
    }
}

/// Gathers lines (see [`LogSink::gathered`]).
pub struct Gathered {
    sink: LogSink,
}

impl Write for Gathered {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let shared = &self.sink.shared;
        let full = {
            let mut pending = lock(&shared.pending);
            pending.extend_from_slice(buf);
            pending.len() >= MAX_PENDING
        };
        // once the guard is dropping, nothing else will write the batch; checked
        // after the line is in, so a line added after the guard's last flush sees it
        if full || shared.stop.load(Ordering::SeqCst) {
            shared.flush()?;
        } else if !shared.armed.swap(true, Ordering::AcqRel) {
            self.sink.flusher.unpark();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // a line is complete when written; the batch is flushed by the thread
        Ok(())
    }
}

/// Writes lines at once (see [`LogSink::immediate`]).
pub struct Immediate {
    sink: LogSink,
}

impl Write for Immediate {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let shared = &self.sink.shared;
        let mut out = lock(&shared.out);
        shared.flush_locked(&mut out)?;
        out.write_all(buf)?;
        out.flush()?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sink.flush()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A destination the test can read, counting the writes it got.
    #[derive(Clone, Default)]
    struct Recorder {
        bytes: Arc<Mutex<Vec<u8>>>,
        writes: Arc<Mutex<usize>>,
    }

    impl Write for Recorder {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            lock(&self.bytes).extend_from_slice(buf);
            *lock(&self.writes) += 1;
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn text(r: &Recorder) -> String {
        String::from_utf8(lock(&r.bytes).clone()).unwrap()
    }

    /// Waits (bounded) until `f` holds.
    fn eventually(f: impl Fn() -> bool) -> bool {
        for _ in 0..500 {
            if f() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn gathered_lines_are_written_together_and_in_order() {
        let rec = Recorder::default();
        let (sink, _guard) = LogSink::new(Box::new(rec.clone())).unwrap();
        let mut w = sink.gathered();
        for i in 0..50 {
            writeln!(w, "line {i}").unwrap();
        }
        let want: String = (0..50).map(|i| format!("line {i}\n")).collect();
        assert!(eventually(|| text(&rec) == want), "{}", text(&rec));
        assert!(
            *lock(&rec.writes) < 50,
            "50 lines in {} writes",
            lock(&rec.writes)
        );
    }

    #[test]
    fn a_line_written_later_is_not_left_behind() {
        let rec = Recorder::default();
        let (sink, _guard) = LogSink::new(Box::new(rec.clone())).unwrap();
        let mut w = sink.gathered();
        writeln!(w, "first").unwrap();
        assert!(eventually(|| text(&rec) == "first\n"));
        // the thread went back to waiting: a new line must wake it again
        writeln!(w, "second").unwrap();
        assert!(
            eventually(|| text(&rec) == "first\nsecond\n"),
            "{}",
            text(&rec)
        );
    }

    #[test]
    fn immediate_lines_come_after_what_was_gathered_before_them() {
        let rec = Recorder::default();
        let (sink, _guard) = LogSink::new(Box::new(rec.clone())).unwrap();
        writeln!(sink.gathered(), "info 1").unwrap();
        writeln!(sink.gathered(), "info 2").unwrap();
        writeln!(sink.immediate(), "error").unwrap();
        // written at once, without waiting for the thread
        assert_eq!(text(&rec), "info 1\ninfo 2\nerror\n");
    }

    #[test]
    fn dropping_the_guard_writes_the_rest_and_later_lines_still_arrive() {
        let rec = Recorder::default();
        let (sink, guard) = LogSink::new(Box::new(rec.clone())).unwrap();
        writeln!(sink.gathered(), "pending").unwrap();
        drop(guard);
        assert_eq!(text(&rec), "pending\n");
        writeln!(sink.gathered(), "after").unwrap();
        assert_eq!(text(&rec), "pending\nafter\n");
    }

    #[test]
    fn a_full_batch_is_written_by_the_writer_itself() {
        let rec = Recorder::default();
        let (sink, _guard) = LogSink::new(Box::new(rec.clone())).unwrap();
        let line = vec![b'x'; MAX_PENDING];
        sink.gathered().write_all(&line).unwrap();
        // written before write returned, without the thread's delay
        assert_eq!(lock(&rec.bytes).len(), MAX_PENDING);
    }

    #[test]
    fn lines_from_many_threads_are_all_written_whole() {
        let rec = Recorder::default();
        let (sink, guard) = LogSink::new(Box::new(rec.clone())).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let sink = sink.clone();
                std::thread::spawn(move || {
                    for i in 0..500 {
                        sink.gathered()
                            .write_all(format!("t{t} n{i}\n").as_bytes())
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        drop(guard);
        let all = text(&rec);
        let lines: Vec<&str> = all.lines().collect();
        assert_eq!(lines.len(), 2000);
        for t in 0..4 {
            let mine: Vec<&str> = lines
                .iter()
                .copied()
                .filter(|l| l.starts_with(&format!("t{t} ")))
                .collect();
            let want: Vec<String> = (0..500).map(|i| format!("t{t} n{i}")).collect();
            assert_eq!(mine, want, "thread {t}'s lines whole and in its order");
        }
    }
}
