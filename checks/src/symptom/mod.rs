//! What a check explains: the [`Symptom`]s each check declares next to its `META`, the
//! kinds of evidence that weigh them, and how a pattern matches a normalised text. A
//! leaf of the crate — the checks declare symptoms, `explain` ranks them — so that
//! neither imports the other. Patterns several checks share are in [`shared`].

pub mod shared;

/// What kind of evidence a symptom is; it decides the weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// The text names a service or a port the check judges (`:5432`, `ssm.`,
    /// `rds.amazonaws.com`): a last resort when nothing else matched.
    Hint,
    /// A resource kind with a state word (`pcx-…` with "not active", a route with
    /// "blackhole").
    State,
    /// A phrase of a log or a message characteristic of the cause (API Gateway's
    /// execution log, the SSM Agent's log, a database driver's error).
    Phrase,
    /// An exact AWS error code, exception name or fixed AWS message
    /// (`TargetNotConnected`, `VpcPeeringConnectionAlreadyExists`, `Private REST API
    /// doesn't have a resource policy attached to it`).
    Code,
}

impl Evidence {
    pub const fn weight(self) -> u32 {
        match self {
            Evidence::Code => 100,
            Evidence::Phrase => 70,
            Evidence::State => 45,
            Evidence::Hint => 25,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Code => "error code",
            Evidence::Phrase => "phrase",
            Evidence::State => "resource and state",
            Evidence::Hint => "what it names",
        }
    }
}

/// Among the checks that declare the same text, how likely this check is its cause.
/// `Likely` is ten points above `Possible`, `Remote` ten below: enough to order checks
/// that share a text, never enough to jump a kind of evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Likelihood {
    Likely,
    Possible,
    Remote,
}

impl Likelihood {
    const fn adjust(self, weight: u32) -> u32 {
        match self {
            Likelihood::Likely => weight + 10,
            Likelihood::Possible => weight,
            Likelihood::Remote => weight - 10,
        }
    }
}

/// One way a problem shows itself in a text an engineer pastes.
#[derive(Clone, Copy, Debug)]
pub struct Symptom {
    /// Kebab-case name, unique within its check (checks that share a text may share
    /// the name: `forbidden`).
    pub id: &'static str,
    pub evidence: Evidence,
    pub likelihood: Likelihood,
    /// Where the text comes from: "API Gateway execution log", "aws ssm start-session".
    pub seen_in: &'static str,
    /// Alternatives; each is a set of fragments that must all appear in the normalised
    /// text (`explain::normalise`), at word boundaries (a fragment ending in `*` is a prefix).
    pub patterns: &'static [&'static [&'static str]],
    /// Fragments that, when present, mean the text is another hop's (a timeout on the
    /// database port is not the client's timeout to the endpoint).
    pub unless: &'static [&'static str],
    /// What the text means on this architecture, for this check.
    pub meaning: &'static str,
}

impl Symptom {
    /// The defaults a symptom's declaration starts from (`..Symptom::BASE`).
    pub const BASE: Symptom = Symptom {
        id: "",
        evidence: Evidence::Phrase,
        likelihood: Likelihood::Likely,
        seen_in: "",
        patterns: &[],
        unless: &[],
        meaning: "",
    };

    pub const fn weight(&self) -> u32 {
        self.likelihood.adjust(self.evidence.weight())
    }

    /// The fragments of the first alternative the text matches; `None` when none does
    /// or an `unless` fragment is present.
    pub fn matches(&self, text: &str) -> Option<&'static [&'static str]> {
        if self.unless.iter().any(|u| contains(text, u)) {
            return None;
        }
        self.patterns
            .iter()
            .find(|all| all.iter().all(|f| contains(text, f)))
            .copied()
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `fragment` occurs in `text` at word boundaries: where the fragment begins (ends)
/// with a letter or digit, the text has none just before (after) it. `forbidden` does
/// not match inside `forbiddenexception`, `403` not inside `14030`. A trailing `*`
/// drops the check at the end.
pub fn contains(text: &str, fragment: &str) -> bool {
    let (frag, prefix) = match fragment.strip_suffix('*') {
        Some(f) => (f, true),
        None => (fragment, false),
    };
    if frag.is_empty() {
        return false;
    }
    let left = frag.chars().next().is_some_and(is_word);
    let right = !prefix && frag.chars().next_back().is_some_and(is_word);
    text.match_indices(frag).any(|(i, _)| {
        (!left || !text[..i].chars().next_back().is_some_and(is_word))
            && (!right || !text[i + frag.len()..].chars().next().is_some_and(is_word))
    })
}
