//! The engine's worker threads: a fixed number of OS threads (one per core by default) that run the CPU-bound
//! calls (coding, code search), fed by one queue.
//!
//! Why not tokio's `spawn_blocking`: its pool starts a new thread whenever none is idle at the moment of the call,
//! up to 512. With the server pinned to one core and 64 clients, about 400 coding threads competed for that core,
//! each holding its own allocator cache: throughput fell from 370 to 206 notes/s and RSS passed 2.5 GB. Here the
//! requests that `--max-concurrent` admits wait in the queue for a worker instead, so the number of notes being
//! coded never exceeds the number of cores. A request whose caller has gone (deadline passed, client left) while
//! it waited is dropped without running; one whose deadline passes while it runs is stopped by the engine between
//! stages. Callers move their `--max-concurrent` permit into the job, so queued and running jobs together stay
//! within that limit. Writes to the feedback store stay on tokio's blocking pool: they wait on the disk, not the CPU.
//!
//! A panic in a job is caught and answered as INTERNAL; the worker lives on.
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};

use tonic::Status;

type Job = Box<dyn FnOnce() + Send>;

/// The pool; dropping it lets the threads finish what they hold and exit.
pub struct Workers {
    queue: Sender<Job>,
    threads: usize,
}

impl std::fmt::Debug for Workers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workers").field("threads", &self.threads).finish()
    }
}

impl Workers {
    /// Starts `threads` workers (at least one); 0 means one per core this process may run on.
    pub fn start(threads: usize) -> std::io::Result<Workers> {
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let (queue, jobs) = std::sync::mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        for i in 0..threads {
            let jobs = Arc::clone(&jobs);
            std::thread::Builder::new().name(format!("cac-engine-{i}")).spawn(move || work(&jobs))?;
        }
        Ok(Workers { queue, threads })
    }

    /// How many threads run jobs.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f` on a worker and waits (asynchronously) for its answer.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, Status> + Send + 'static,
    ) -> Result<T, Status> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // Nobody waits for this answer any more (the caller's deadline passed or it went away).
            if answer.is_closed() {
                return;
            }
            let out = std::panic::catch_unwind(AssertUnwindSafe(f))
                .unwrap_or_else(|_| Err(Status::internal("the request's worker failed")));
            let _ = answer.send(out);
        });
        self.queue.send(job).map_err(|_| Status::unavailable("the engine's workers have stopped"))?;
        answered.await.map_err(|_| Status::internal("the request's worker failed"))?
    }
}

fn work(jobs: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while waiting for the next job; a poisoned lock cannot happen (jobs run outside
        // it and catch their own panics), but is survived anyway.
        let next = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_and_survives_a_panic() {
        assert_eq!(Workers::start(2).unwrap().threads(), 2);
        // One worker: if the panic killed it, nothing would answer the next job.
        let workers = Workers::start(1).unwrap();
        let panicked = workers.run(|| -> Result<u32, Status> { panic!("a job failed") }).await;
        assert_eq!(panicked.unwrap_err().code(), tonic::Code::Internal);
        let next = tokio::time::timeout(std::time::Duration::from_secs(5), workers.run(|| Ok(1))).await;
        assert_eq!(next.expect("the worker lives on").unwrap(), 1);
    }

    #[tokio::test]
    async fn never_runs_more_jobs_at_once_than_threads() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let workers = Arc::new(Workers::start(2).unwrap());
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut calls = Vec::new();
        for _ in 0..16 {
            let (w, running, most) = (Arc::clone(&workers), Arc::clone(&running), Arc::clone(&most));
            calls.push(tokio::spawn(async move {
                w.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    running.fetch_sub(1, Ordering::SeqCst);
                    Ok(())
                })
                .await
            }));
        }
        for c in calls {
            c.await.unwrap().unwrap();
        }
        let most = most.load(Ordering::SeqCst);
        assert!((1..=2).contains(&most), "{most} jobs ran at once on 2 workers");
    }

    #[tokio::test]
    async fn a_job_whose_caller_left_is_not_run() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let workers = Arc::new(Workers::start(1).unwrap());
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, busy_now) = tokio::sync::oneshot::channel::<()>();
        // The only worker is busy until released.
        let w = Arc::clone(&workers);
        let busy = tokio::spawn(async move {
            w.run(move || {
                let _ = started.send(());
                let _ = hold.recv();
                Ok(())
            })
            .await
        });
        busy_now.await.unwrap();
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let left = workers.run(move || {
            flag.store(true, Ordering::SeqCst);
            Ok(())
        });
        // The second caller gives up while its job waits in the queue.
        assert!(tokio::time::timeout(std::time::Duration::from_millis(20), left).await.is_err());
        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
        // A job queued after it is answered, so the worker has passed over the abandoned one.
        workers.run(|| Ok(())).await.unwrap();
        assert!(!ran.load(Ordering::SeqCst));
    }
}
