//! `--verbose`: every AWS call a live run made, per-service counts, and each wave's wall
//! time, on stderr.

use crate::collect::calls::CallLog;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn render(log: &CallLog, total: Duration) -> String {
    let (calls, waves) = (log.calls(), log.waves());
    let mut out = String::new();
    for (i, wall) in waves.iter().enumerate() {
        let wave = i + 1;
        let in_wave: Vec<_> = calls.iter().filter(|x| x.wave == wave).collect();
        let _ = writeln!(
            out,
            "privpath: wave {wave}: {} call(s), {:.1} ms",
            in_wave.len(),
            ms(*wall)
        );
        for call in in_wave {
            let outcome = call.error.as_deref().unwrap_or("ok");
            let _ = writeln!(
                out,
                "privpath:   {:<36} {:>8.1} ms  {outcome}",
                call.action,
                ms(call.elapsed)
            );
        }
    }
    let mut per_service: BTreeMap<&str, usize> = BTreeMap::new();
    for call in &calls {
        *per_service
            .entry(call.action.split(':').next().unwrap_or("?"))
            .or_default() += 1;
    }
    let services: Vec<String> = per_service
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    let _ = writeln!(
        out,
        "privpath: {} AWS call(s) in {} wave(s) ({}), collected in {:.1} ms",
        calls.len(),
        waves.len(),
        services.join(", "),
        ms(total)
    );
    out
}
