//! `privpath explain`'s engine: from an error text to the checks that explain it, most
//! likely first, with the words of the text that chose each.
//!
//! The knowledge lives with the checks: every check's metadata declares the
//! [`Symptom`]s it explains (`CheckMeta::symptoms`, next to its `META`), so `explain`
//! is generated from the registry and a new check brings its symptoms with it. Texts
//! that several checks explain (a 403, a connection timeout) are declared by each of
//! them with its own meaning and likelihood; the patterns they share are in
//! [`shared`]. What is *not* a path problem — a handler's own exception, a malformed
//! proxy response, a database host of `localhost` — is in [`not_path`], with what to
//! look at instead.
//!
//! Matching: the text is normalised ([`normalise`]: case, escapes, quotes, and ids,
//! ARNs, addresses, times and request ids as tokens), then every symptom's patterns are
//! looked for. A symptom's weight is its kind of evidence — an exact error code beats a
//! phrase, a phrase beats a resource kind with a state word, which beats a service or
//! port hint — adjusted by how likely this check is among those that declare the same
//! text. A candidate's score is its strongest symptom plus a little for each other
//! symptom of it that matched; ties go to the check met first on the path (registry
//! order). With a path at hand, [`rank_on_path`] puts first what actually fails there.

mod normalise;
pub mod not_path;

pub use crate::symptom::{contains, shared, Evidence, Likelihood, Symptom};
pub use normalise::{normalise, Normalised};
pub use not_path::{NotAPathProblem, NOT_A_PATH};

use crate::check::CheckMeta;
use crate::finding::{Finding, Status};
use crate::REGISTRY;

/// What a candidate would be the cause of the text.
#[derive(Clone, Copy, Debug)]
pub enum Cause {
    Check(&'static CheckMeta),
    NotAPath(&'static NotAPathProblem),
}

impl Cause {
    /// A check's id, or the not-a-path problem's.
    pub fn id(&self) -> &'static str {
        match self {
            Cause::Check(m) => m.id,
            Cause::NotAPath(n) => n.symptom.id,
        }
    }
}

/// One symptom that matched, with the words of the text that chose it.
#[derive(Clone, Debug)]
pub struct Matched {
    pub symptom: &'static Symptom,
    /// The pattern's fragments as the text had them (tokens back to the ids).
    pub words: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Candidate {
    pub cause: Cause,
    pub score: u32,
    /// Every symptom of the cause that matched, strongest first.
    pub matched: Vec<Matched>,
    /// Position among causes: path checks in registry order, then the not-a-path
    /// problems; it breaks ties.
    pub order: usize,
}

impl Candidate {
    /// The words that chose it, strongest symptom first, each once.
    pub fn words(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in &self.matched {
            for w in &m.words {
                if !out.contains(&w.as_str()) {
                    out.push(w);
                }
            }
        }
        out
    }
}

/// Each other matching symptom of a candidate adds this much, up to three of them:
/// corroboration orders candidates of the same strength, never more.
const CORROBORATION: u32 = 3;

/// A candidate this far below the best is not worth showing without a path to rank by:
/// a phrase survives an error code, a service hint does not.
const SHORTLIST_MARGIN: u32 = 45;

/// At most this many candidates are shown without a path.
pub const SHORTLIST_LEN: usize = 6;

/// The text, normalised, and every cause it matched, best first.
#[derive(Clone, Debug)]
pub struct Diagnosis {
    pub text: Normalised,
    pub candidates: Vec<Candidate>,
}

impl Diagnosis {
    /// The candidates worth showing when nothing else ranks them: within
    /// [`SHORTLIST_MARGIN`] of the best, at most [`SHORTLIST_LEN`].
    pub fn shortlist(&self) -> Vec<&Candidate> {
        let Some(best) = self.candidates.first().map(|c| c.score) else {
            return Vec::new();
        };
        self.candidates
            .iter()
            .filter(|c| c.score + SHORTLIST_MARGIN >= best)
            .take(SHORTLIST_LEN)
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }
}

fn candidate(
    cause: Cause,
    symptoms: &'static [Symptom],
    order: usize,
    text: &Normalised,
) -> Option<Candidate> {
    let mut matched: Vec<Matched> = symptoms
        .iter()
        .filter_map(|s| {
            s.matches(&text.text).map(|fragments| Matched {
                symptom: s,
                words: fragments.iter().map(|f| text.quote(f)).collect(),
            })
        })
        .collect();
    if matched.is_empty() {
        return None;
    }
    matched.sort_by_key(|m| std::cmp::Reverse(m.symptom.weight()));
    let best = matched[0].symptom.weight();
    let others = u32::try_from(matched.len() - 1).unwrap_or(u32::MAX).min(3);
    let bonus = match cause {
        Cause::Check(_) => CORROBORATION * others,
        // Words that show the request got past the path (the database refused a login,
        // the host is localhost) come with words about the path in the same text — the
        // driver's own name, the port — so they outweigh any corroboration of it.
        Cause::NotAPath(_) => CORROBORATION * 3 + 1,
    };
    Some(Candidate {
        cause,
        score: best + bonus,
        matched,
        order,
    })
}

/// Every path check and not-a-path problem the text matches, best first (ties in path
/// order). Bad input — empty, binary, enormous — gives an empty or a long list, never a
/// panic.
pub fn diagnose(text: &str) -> Diagnosis {
    let text = normalise(text);
    let mut candidates: Vec<Candidate> = REGISTRY
        .iter()
        .enumerate()
        .filter_map(|(i, c)| candidate(Cause::Check(c.meta), c.meta.symptoms, i, &text))
        .collect();
    candidates.extend(NOT_A_PATH.iter().enumerate().filter_map(|(i, n)| {
        candidate(
            Cause::NotAPath(n),
            std::slice::from_ref(&n.symptom),
            REGISTRY.len() + i,
            &text,
        )
    }));
    candidates.sort_by_key(|c| (std::cmp::Reverse(c.score), c.order));
    Diagnosis { text, candidates }
}

/// Where a candidate stands on a checked path; the order is the ranking's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// The check fails here: the most likely cause.
    Fails,
    /// privpath could not read what the check needs: it may be the cause.
    Unknown,
    /// The check warns here: the path works, but this is fragile (private DNS that
    /// captures public API names warns, and explains a 403).
    Warns,
    /// Not a path problem: the path's state says nothing about it.
    NotAPath,
    /// The check passes here: not this hop.
    Passes,
    /// The check does not apply to this path (a custom domain's checks without one),
    /// or was not run.
    DoesNotApply,
}

/// A candidate as a checked path sees it: its standing and the finding that decided it
/// (the worst, when the check reported several).
#[derive(Clone, Debug)]
pub struct Ranked<'d> {
    pub candidate: &'d Candidate,
    pub standing: Standing,
    pub finding: Option<&'d Finding>,
}

/// The candidates ranked by the path's own state: first what fails there, then what
/// privpath could not see, what warns, what is not a path problem, and last what passes
/// or does not apply; within each, by score. Every matching candidate that fails,
/// warns or is unknown on the path is kept, however weak its match: the path says it
/// is broken, the text says it is involved. The rest are the shortlist.
pub fn rank_on_path<'d>(diagnosis: &'d Diagnosis, findings: &'d [Finding]) -> Vec<Ranked<'d>> {
    let shortlist = diagnosis.shortlist();
    let mut ranked: Vec<Ranked<'d>> = diagnosis
        .candidates
        .iter()
        .filter_map(|c| {
            let (standing, finding) = standing(c, findings);
            let keep =
                standing < Standing::NotAPath || shortlist.iter().any(|s| std::ptr::eq(*s, c));
            keep.then_some(Ranked {
                candidate: c,
                standing,
                finding,
            })
        })
        .collect();
    ranked.sort_by_key(|r| {
        (
            r.standing,
            std::cmp::Reverse(r.candidate.score),
            r.candidate.order,
        )
    });
    ranked
}

fn standing<'d>(c: &Candidate, findings: &'d [Finding]) -> (Standing, Option<&'d Finding>) {
    let Cause::Check(meta) = c.cause else {
        return (Standing::NotAPath, None);
    };
    let worst = findings
        .iter()
        .filter(|f| f.check == meta.id)
        .max_by_key(|f| f.status);
    let standing = match worst.map(|f| f.status) {
        Some(Status::Fail) => Standing::Fails,
        Some(Status::Unknown) => Standing::Unknown,
        Some(Status::Warn) => Standing::Warns,
        Some(Status::Pass) => Standing::Passes,
        Some(Status::Skip) | None => Standing::DoesNotApply,
    };
    (standing, worst)
}

/// A summary of what the matcher looks for, generated from the registry: the error
/// codes it knows and how many symptoms of how many checks. For the answer to a text
/// it does not recognise.
#[derive(Clone, Debug, Default)]
pub struct Knowledge {
    pub checks: usize,
    pub symptoms: usize,
    pub not_a_path: usize,
    /// The first fragment of every code-kind symptom's first pattern, once each.
    pub codes: Vec<&'static str>,
}

pub fn knowledge() -> Knowledge {
    let mut k = Knowledge {
        not_a_path: NOT_A_PATH.len(),
        ..Knowledge::default()
    };
    for c in REGISTRY {
        if !c.meta.symptoms.is_empty() {
            k.checks += 1;
        }
        k.symptoms += c.meta.symptoms.len();
        for s in c.meta.symptoms {
            if s.evidence != Evidence::Code {
                continue;
            }
            if let Some(first) = s.patterns.first().and_then(|p| p.first()) {
                if !k.codes.contains(first) {
                    k.codes.push(first);
                }
            }
        }
    }
    k
}
