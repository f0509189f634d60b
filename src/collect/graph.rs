//! The scheduler of declared reads. A collection (one target's path, one account-region
//! of an audit) is a list of [`Read`]s over a board of answers. Each read declares the
//! facts it needs (ids earlier answers give), the facts it settles, the snapshot arrays
//! it fills and the IAM action it calls; the scheduler starts every read the moment its
//! needs are settled, so a run lasts as long as its longest chain of dependent
//! requests — not, as with waves, the sum of every wave's slowest request.
//!
//! What the scheduler owns, so no read repeats it: the depth of each request (the
//! number of round trips before it, which `--verbose` and the call log call its wave),
//! and a failed call's fate — a failure that dooms every call stops the run, any other
//! is recorded by the board as its side's `unavailable`, so the checks that need the
//! array report `unknown`. A read that must not fail (the instance, the API) turns its
//! error into a [`CollectError`] in its own settle step.

use super::calls::{CallError, CallLog};
use super::{CollectError, Ctx};
use privpath_checks::snapshot::Source;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

/// Whose credentials and region a read is sent with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The API's account and region (and an audit's one account-region).
    Api,
    /// The client instance's account and region.
    Client,
    /// The transit gateway owner's account (`--network-role-arn`), when it is neither.
    Network,
}

/// What a read declares: enough to schedule it, to document it and to derive the IAM
/// policy from it.
#[derive(Debug)]
pub struct Decl<F: 'static> {
    /// What it reads, for people: `the client instance`, `the API's stages`.
    pub name: &'static str,
    /// The IAM action of its AWS operation.
    pub action: &'static str,
    pub side: Side,
    /// Facts that must be settled before it starts.
    pub needs: &'static [F],
    /// Facts it settles when its answer (or its failure) is in.
    pub fills: &'static [F],
    /// The snapshot arrays its answers go into (none for reads that only lead on).
    pub arrays: &'static [Source],
}

/// What a finished read does to the board: stores its answer, or stops the run.
pub type Settle<B> = Box<dyn FnOnce(&mut B) -> Result<(), CollectError> + Send>;

/// A read in flight: its AWS requests, then the settle step.
pub type Pending<B> = Pin<Box<dyn Future<Output = Result<Settle<B>, CallError>> + Send>>;

/// What a read does once its needs are settled.
pub enum Start<B> {
    /// Send these requests; their settle step runs when they answer.
    Ask(Pending<B>),
    /// Nothing to ask (nothing leads there): its facts settle at once, empty.
    Skip,
    /// Nothing to ask, but a step on the board (a fact derived from earlier answers);
    /// its facts settle once the step has run.
    Now(Settle<B>),
    /// Another read settles these facts in this collection (alternative sources of
    /// one fact, e.g. the API id from the command line or from a domain's mapping).
    NotMine,
}

/// One declared read.
pub struct Read<B: Board> {
    pub decl: Decl<B::Fact>,
    /// What to do once the needs are settled, given the clients of the read's side
    /// (their wave set to the read's depth).
    pub start: fn(&B, &Ctx) -> Start<B>,
}

impl<B: Board> Read<B> {
    /// A fact derived from others without a request (`action` is empty).
    pub const fn derived(
        name: &'static str,
        needs: &'static [B::Fact],
        fills: &'static [B::Fact],
        start: fn(&B, &Ctx) -> Start<B>,
    ) -> Read<B> {
        Read {
            decl: Decl {
                name,
                action: "",
                side: Side::Api,
                needs,
                fills,
                arrays: &[],
            },
            start,
        }
    }
}

/// A read's requests and how their answer lands on the board: `store` runs on the
/// scheduler's task once `fut` has answered.
pub fn ask<B, T, Fut>(fut: Fut, store: fn(&mut B, T)) -> Start<B>
where
    B: Board,
    T: Send + 'static,
    Fut: Future<Output = Result<T, CallError>> + Send + 'static,
{
    Start::Ask(Box::pin(async move {
        let answer = fut.await?;
        let settle: Settle<B> = Box::new(move |b: &mut B| {
            store(b, answer);
            Ok(())
        });
        Ok(settle)
    }))
}

/// [`ask`] for a read whose failure is the board's to judge (a required record): the
/// answer, failed or not, goes to `store`, which may stop the run.
pub fn ask_judged<B, T, Fut>(
    fut: Fut,
    store: fn(&mut B, Result<T, CallError>) -> Result<(), CollectError>,
) -> Start<B>
where
    B: Board,
    T: Send + 'static,
    Fut: Future<Output = Result<T, CallError>> + Send + 'static,
{
    Start::Ask(Box::pin(async move {
        let answer = fut.await;
        let settle: Settle<B> = Box::new(move |b: &mut B| store(b, answer));
        Ok(settle)
    }))
}

/// The answers a collection gathers, and where its reads are sent.
pub trait Board: Sized + 'static {
    type Fact: Copy + Eq + std::fmt::Debug + Send + Sync + 'static;
    /// The clients a read of `side` goes to now.
    fn ctx(&self, side: Side) -> &Ctx;
    /// Records a failed read (never one that dooms every call: the scheduler stops on
    /// those); an error stops the run.
    fn failed(&mut self, decl: &Decl<Self::Fact>, error: CallError) -> Result<(), CollectError>;
}

/// When a read whose needs are settled starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// At once: the declared graph.
    #[default]
    AsReady,
    /// Only once every read in flight has answered: the waves privpath made before the
    /// graph, kept to measure the difference (`PRIVPATH_SCHEDULE=waves`).
    Waves,
}

impl Order {
    /// The order `PRIVPATH_SCHEDULE` asks for (the benchmark compares both).
    pub fn from_env() -> Order {
        match std::env::var("PRIVPATH_SCHEDULE").as_deref() {
            Ok("waves") => Order::Waves,
            _ => Order::AsReady,
        }
    }
}

/// Which facts are settled, and at what depth (the round trips that led to them).
struct Settled<F> {
    facts: Vec<(F, usize)>,
}

impl<F: Copy + Eq> Settled<F> {
    fn depth(&self, needs: &[F]) -> Option<usize> {
        needs.iter().try_fold(0, |deepest, need| {
            self.facts
                .iter()
                .find(|(f, _)| f == need)
                .map(|(_, d)| deepest.max(*d))
        })
    }

    fn settle(&mut self, fills: &[F], depth: usize) {
        for f in fills {
            if !self.facts.iter().any(|(x, _)| x == f) {
                self.facts.push((*f, depth));
            }
        }
    }
}

/// The wall time of each depth: from its first request out to its last answer in.
#[derive(Default)]
struct Spans(Vec<Option<(Instant, Instant)>>);

impl Spans {
    fn add(&mut self, depth: usize, start: Instant, end: Instant) {
        if self.0.len() < depth {
            self.0.resize(depth, None);
        }
        let slot = &mut self.0[depth - 1];
        *slot = Some(match *slot {
            Some((s, e)) => (s.min(start), e.max(end)),
            None => (start, end),
        });
    }

    fn durations(&self) -> Vec<Duration> {
        self.0
            .iter()
            .map(|s| s.map_or(Duration::ZERO, |(a, b)| b - a))
            .collect()
    }
}

/// Runs every read of `reads` over `board`, each as soon as its needs are settled (or,
/// with [`Order::Waves`], in waves), and records each depth's wall time in `log`.
pub async fn run<B: Board>(
    board: &mut B,
    reads: &[&Read<B>],
    order: Order,
    log: &CallLog,
) -> Result<(), CollectError> {
    let mut settled: Settled<B::Fact> = Settled { facts: Vec::new() };
    let mut started = vec![false; reads.len()];
    let mut in_flight = tokio::task::JoinSet::new();
    let mut spans = Spans::default();
    let outcome = loop {
        if order == Order::AsReady || in_flight.is_empty() {
            if let Err(e) = start_ready(board, reads, &mut started, &mut settled, &mut in_flight) {
                break Err(e);
            }
        }
        let Some(joined) = in_flight.join_next().await else {
            break Ok(());
        };
        let (i, depth, began, result) = match joined {
            Ok(done) => done,
            // A panicking read is a bug; the run cannot know what it would have settled.
            Err(e) => {
                break Err(CollectError::Global(CallError::Malformed(format!(
                    "a collector task failed: {e}"
                ))))
            }
        };
        spans.add(depth, began, Instant::now());
        let read = reads[i];
        let step = match result {
            Ok(settle) => settle(board),
            Err(e) if e.is_global() => Err(CollectError::Global(e)),
            Err(e) => board.failed(&read.decl, e),
        };
        if let Err(e) = step {
            break Err(e);
        }
        settled.settle(read.decl.fills, depth);
    };
    in_flight.abort_all();
    for wall in spans.durations() {
        log.wave_done(wall);
    }
    outcome
}

type Done<B> = (usize, usize, Instant, Result<Settle<B>, CallError>);

/// Starts every read whose needs are settled; a read with nothing to ask settles its
/// facts at once, which may make others ready, so this repeats until none is.
fn start_ready<B: Board>(
    board: &mut B,
    reads: &[&Read<B>],
    started: &mut [bool],
    settled: &mut Settled<B::Fact>,
    in_flight: &mut tokio::task::JoinSet<Done<B>>,
) -> Result<(), CollectError> {
    loop {
        let mut progressed = false;
        for (i, read) in reads.iter().enumerate() {
            if started[i] {
                continue;
            }
            let Some(before) = settled.depth(read.decl.needs) else {
                continue;
            };
            started[i] = true;
            progressed = true;
            let depth = before + 1;
            let ctx = board.ctx(read.decl.side).at(depth);
            match (read.start)(board, &ctx) {
                Start::Skip => settled.settle(read.decl.fills, before),
                Start::Now(step) => {
                    step(board)?;
                    settled.settle(read.decl.fills, before);
                }
                Start::NotMine => {}
                // An audit's bound on requests in flight per account-region applies to
                // each request a read fans out to (`all_at_once`), not to the read.
                Start::Ask(pending) => {
                    in_flight.spawn(async move {
                        let began = Instant::now();
                        (i, depth, began, pending.await)
                    });
                }
            }
        }
        if !progressed {
            return Ok(());
        }
    }
}

/// Every IAM action some read of these lists calls, sorted and each once.
pub fn actions<'a, F: 'static>(decls: impl IntoIterator<Item = &'a Decl<F>>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = decls
        .into_iter()
        .map(|d| d.action)
        .filter(|a| !a.is_empty())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
