//! The live progress line on stderr while a target is collected: which target, how
//! many AWS requests have answered, which wave is out. Only drawn on a terminal (the
//! caller decides), and erased before anything else is printed.

use crate::collect::calls::CallLog;
use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

fn draw(line: &str) {
    let mut err = std::io::stderr().lock();
    // \r and "erase line": redraw in place, leave nothing behind on the last call.
    let _ = write!(err, "\r\x1b[2K{line}");
    let _ = err.flush();
}

/// Runs `work`, redrawing the progress line every 100 ms until it finishes. `labels`
/// and `logs` are the targets being collected, in the same order.
pub async fn while_collecting<F: Future>(
    labels: &[String],
    logs: &[Arc<CallLog>],
    work: F,
) -> F::Output {
    while_collecting_named(labels, logs, "targets", work).await
}

/// [`while_collecting`] naming what is collected (`targets`, `account-regions`); with
/// several, the line says which wave the slowest have reached and how many there are.
pub async fn while_collecting_named<F: Future>(
    labels: &[String],
    logs: &[Arc<CallLog>],
    noun: &str,
    work: F,
) -> F::Output {
    let start = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tokio::pin!(work);
    let mut frame = 0usize;
    let output = loop {
        tokio::select! {
            out = &mut work => break out,
            _ = tick.tick() => {
                let counts: Vec<(usize, usize)> = logs.iter().map(|l| l.progress()).collect();
                let calls: usize = counts.iter().map(|c| c.0).sum();
                let what = match (labels, counts.as_slice()) {
                    ([label], [(_, waves)]) => format!("{label}: wave {}", waves + 1),
                    _ => {
                        let slowest = counts.iter().map(|c| c.1).min().unwrap_or(0);
                        let behind = counts.iter().filter(|c| c.1 == slowest).count();
                        format!("{} {noun} ({behind} at wave {})", labels.len(), slowest + 1)
                    }
                };
                draw(&format!(
                    "{} privpath: collecting {what}, {calls} AWS call(s) answered, {:.1} s",
                    SPINNER[frame % SPINNER.len()],
                    start.elapsed().as_secs_f64()
                ));
                frame += 1;
            }
        }
    };
    draw("");
    output
}
