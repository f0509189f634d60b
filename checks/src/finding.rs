//! What a check reports.

use serde::Serialize;
use std::fmt;

/// Ordered from best to worst, so the worst of several is their `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The check saw what the path needs.
    Pass,
    /// Not applicable to this path (e.g. no peering is needed within one VPC).
    Skip,
    /// The data could not be collected; the finding names the IAM action.
    Unknown,
    /// Works now, but fragile or not what AWS recommends.
    Warn,
    /// This hop breaks the path.
    Fail,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::Skip,
        Status::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Skip => "skip",
            Status::Unknown => "unknown",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub status: Status,
    /// The AWS resource ids the finding is about, most specific first.
    pub resources: Vec<String>,
    /// What was found, in words an engineer can act on.
    pub message: String,
    /// For fail and warn: how to fix it, with the real ids (an AWS CLI command where
    /// one exists).
    pub remediation: Option<String>,
    /// For unknown: the IAM actions whose data was missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// On a run with a Terraform plan: the addresses of the planned resources among
    /// `resources`, in the same order (absent without a plan).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
}

impl Finding {
    pub fn new(check: &'static str, status: Status, message: impl Into<String>) -> Finding {
        Finding {
            check,
            status,
            resources: Vec::new(),
            message: message.into(),
            remediation: None,
            needs: Vec::new(),
            addresses: Vec::new(),
        }
    }

    pub fn pass(check: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(check, Status::Pass, message)
    }

    pub fn skip(check: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(check, Status::Skip, message)
    }

    pub fn fail(check: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(check, Status::Fail, message)
    }

    pub fn warn(check: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(check, Status::Warn, message)
    }

    pub fn unknown(check: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(check, Status::Unknown, message)
    }

    pub fn resource(mut self, id: impl Into<String>) -> Finding {
        let id = id.into();
        if !id.is_empty() && !self.resources.contains(&id) {
            self.resources.push(id);
        }
        self
    }

    pub fn resources<I, S>(mut self, ids: I) -> Finding
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for id in ids {
            self = self.resource(id);
        }
        self
    }

    /// The message's first clause: what a one-line report shows (the message says the
    /// rest).
    pub fn headline(&self) -> String {
        let m = self.message.trim();
        let cut = ["; ", ". ", ": every", " — "]
            .iter()
            .filter_map(|sep| m.find(sep))
            .min()
            .unwrap_or(m.len());
        m[..cut].trim_end_matches('.').to_string()
    }

    pub fn fix(mut self, remediation: impl Into<String>) -> Finding {
        self.remediation = Some(remediation.into());
        self
    }

    pub fn needs(mut self, action: impl Into<String>) -> Finding {
        self.needs.push(action.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headline_is_the_first_clause_of_the_message() {
        let f = Finding::fail(
            "x",
            "rtb-1 has no route for 10.1.1.0/24; rtb-1 has no route for 10.1.2.0/24",
        );
        assert_eq!(f.headline(), "rtb-1 has no route for 10.1.1.0/24");
        let f = Finding::pass("x", "API a is PRIVATE and associated with vpce-1");
        assert_eq!(f.headline(), f.message);
        let f = Finding::warn("x", "works. But fragile");
        assert_eq!(f.headline(), "works");
    }
}
