//! The threads that serve connections: one single-threaded tokio runtime per core,
//! and every connection served from start to end by one of them, the way nginx
//! pins a connection to one worker process.
//!
//! With tokio's work-stealing runtime, the tasks of one request (the client
//! connection, the handler, the pooled upstream connection it borrows) ran on
//! whichever worker was free, so each request woke another thread several times.
//! On the 2-core benchmark machine those wake-ups cost more than the proxying
//! itself: with a single worker thread the gateway spent 81 us of CPU per request
//! against 111 us with two (`bench/gateway.sh`, guards off). Here a connection's
//! tasks, the tasks they spawn and, with the per-thread upstream pool
//! ([`crate::upstream`]), the upstream connections it uses all live on one thread.
//!
//! Connections are handed to the thread serving the fewest at that moment.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// One connection thread: its runtime's handle, how many connections it serves, the
/// sender that stops it (dropping it stops it too) and the thread itself.
struct Worker {
    handle: tokio::runtime::Handle,
    live: Arc<AtomicUsize>,
    stop: tokio::sync::oneshot::Sender<()>,
    join: JoinHandle<()>,
}

/// The connection threads of one listener.
pub(crate) struct Threads {
    workers: Vec<Worker>,
}

/// How many connection threads: one per core the process may use.
fn default_count() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Counts a connection as live on its thread until dropped.
pub(crate) struct Live(Arc<AtomicUsize>);

impl Drop for Live {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Threads {
    /// Starts one connection thread per core.
    ///
    /// # Errors
    /// When a runtime or a thread cannot be created.
    pub(crate) fn start() -> std::io::Result<Threads> {
        Threads::start_n(default_count())
    }

    /// Starts `n` connection threads (at least one).
    pub(crate) fn start_n(n: usize) -> std::io::Result<Threads> {
        let mut threads = Threads {
            workers: Vec::new(),
        };
        for i in 0..n.max(1) {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let handle = rt.handle().clone();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let join = std::thread::Builder::new()
                .name(format!("rampart-conn-{i}"))
                .spawn(move || {
                    // Runs the spawned connections until told to stop; dropping the
                    // runtime then waits for its blocking tasks (ledger, Redis).
                    rt.block_on(async {
                        let _ = stopped.await;
                    });
                })?;
            threads.workers.push(Worker {
                handle,
                live: Arc::new(AtomicUsize::new(0)),
                stop,
                join,
            });
        }
        Ok(threads)
    }

    /// The thread to serve the next connection (the one serving fewest), and the
    /// token that counts the connection there until it is dropped.
    pub(crate) fn pick(&self) -> Option<(&tokio::runtime::Handle, Live)> {
        let w = self
            .workers
            .iter()
            .min_by_key(|w| w.live.load(Ordering::Relaxed))?;
        w.live.fetch_add(1, Ordering::Relaxed);
        Some((&w.handle, Live(Arc::clone(&w.live))))
    }

    /// Stops every thread once the connections it serves have been drained by
    /// the caller, and waits for them (off the async runtime).
    pub(crate) async fn stop(self) {
        let joins: Vec<JoinHandle<()>> = self
            .workers
            .into_iter()
            .map(|w| {
                let _ = w.stop.send(());
                w.join
            })
            .collect();
        let _ = tokio::task::spawn_blocking(move || {
            for j in joins {
                let _ = j.join();
            }
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn connections_go_to_the_least_busy_thread_and_run_there() {
        let threads = Threads::start_n(2).unwrap();
        let (h1, a) = threads.pick().unwrap();
        let h1 = h1.clone();
        let (h2, b) = threads.pick().unwrap();
        let h2 = h2.clone();
        // two live connections: one on each thread
        let name = |h: &tokio::runtime::Handle| {
            let h = h.clone();
            async move {
                h.spawn(async { std::thread::current().name().map(str::to_string) })
                    .await
                    .unwrap()
            }
        };
        let (n1, n2) = (name(&h1).await.unwrap(), name(&h2).await.unwrap());
        assert_ne!(n1, n2);
        assert!(n1.starts_with("rampart-conn-") && n2.starts_with("rampart-conn-"));
        // the first thread's connection ends: the next one goes there
        drop(a);
        let (h3, _c) = threads.pick().unwrap();
        assert_eq!(name(h3).await.unwrap(), n1);
        drop(b);
        threads.stop().await;
    }
}
