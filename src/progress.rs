//! The live progress line on stderr while a target is collected: which target, how
//! many AWS requests have answered, which wave is out. Only drawn on a terminal (the
//! caller decides), and erased before anything else is printed.

use crate::collect::calls::CallLog;
use std::future::Future;
use std::io::Write;
use std::time::{Duration, Instant};

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

fn draw(line: &str) {
    let mut err = std::io::stderr().lock();
    // \r and "erase line": redraw in place, leave nothing behind on the last call.
    let _ = write!(err, "\r\x1b[2K{line}");
    let _ = err.flush();
}

/// Runs `work`, redrawing the progress line every 100 ms until it finishes.
pub async fn while_collecting<F: Future>(label: &str, log: &CallLog, work: F) -> F::Output {
    let start = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tokio::pin!(work);
    let mut frame = 0usize;
    let output = loop {
        tokio::select! {
            out = &mut work => break out,
            _ = tick.tick() => {
                let (calls, waves) = log.progress();
                draw(&format!(
                    "{} privpath: collecting {label}: wave {}, {calls} AWS call(s) answered, {:.1} s",
                    SPINNER[frame % SPINNER.len()],
                    waves + 1,
                    start.elapsed().as_secs_f64()
                ));
                frame += 1;
            }
        }
    };
    draw("");
    output
}
