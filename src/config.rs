//! `privpath.toml`: named targets, check selection, severity overrides, the gate and
//! suppressions. Parsing and validation only; [`crate::gate`] applies it.
//!
//! Every mistake is an error naming the file and the key, so a typo in CI fails the
//! job (exit 2) instead of silently checking less.

use crate::outcome::{FailOn, SuppressionRule};
use privpath_checks::date::Date;
use privpath_checks::{require_check, Selection, Severity, UnknownCheck};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use thiserror::Error;
use toml::Spanned;

/// The file `privpath check` looks for in the working directory.
pub const DEFAULT_FILE: &str = "privpath.toml";

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    #[serde(default)]
    defaults: Aws,
    #[serde(default)]
    targets: BTreeMap<String, Spanned<TargetSpec>>,
    #[serde(default)]
    checks: Checks,
    #[serde(default)]
    gate: Gate,
    #[serde(default)]
    suppress: Vec<Spanned<Suppression>>,
    #[serde(default)]
    audit: Audit,
}

/// `[audit]`: what `privpath audit` reads when its options do not say.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Audit {
    /// `["all"]` or region names.
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub org: bool,
    #[serde(default)]
    pub accounts: Vec<String>,
    pub role_name: Option<String>,
    pub external_id: Option<String>,
    /// Left out on purpose: `ACCOUNT`, `REGION` or `ACCOUNT/REGION`.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Where and as whom to read, for every target unless the target says otherwise.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Aws {
    region: Option<String>,
    profile: Option<String>,
    /// Role to assume for every read.
    role: Option<String>,
    external_id: Option<String>,
    client_region: Option<String>,
    client_profile: Option<String>,
    client_role: Option<String>,
    client_external_id: Option<String>,
    network_profile: Option<String>,
    network_role: Option<String>,
    network_external_id: Option<String>,
    network_region: Option<String>,
}

/// One path to prove: the client instance and the API method it calls.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TargetSpec {
    pub api: Option<String>,
    pub instance: Option<String>,
    pub stage: Option<String>,
    pub method: Option<String>,
    pub path: Option<String>,
    pub db_instance: Option<String>,
    /// The private custom domain name the client calls, and the base path under it.
    pub domain: Option<String>,
    pub base_path: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    pub role: Option<String>,
    pub external_id: Option<String>,
    /// The client side's region, profile, role and external id, when the instance is
    /// in another account or region than the API (each defaults to the API side's).
    pub client_region: Option<String>,
    pub client_profile: Option<String>,
    pub client_role: Option<String>,
    pub client_external_id: Option<String>,
    /// The transit gateway owner's profile, role, external id and region, when it is
    /// a third account (its route tables are readable only there).
    pub network_profile: Option<String>,
    pub network_role: Option<String>,
    pub network_external_id: Option<String>,
    pub network_region: Option<String>,
    /// Check a saved snapshot instead of the live account (relative to the config file).
    pub snapshot: Option<PathBuf>,
    /// A Terraform plan (`terraform show -json PLAN`, relative to the config file): the
    /// path is checked as it will be after the apply, over the live read or `snapshot`.
    pub plan: Option<PathBuf>,
    /// With `plan`: check the plan by itself, reading no state.
    #[serde(default)]
    pub offline: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Checks {
    #[serde(default)]
    pub only: Vec<String>,
    #[serde(default)]
    pub skip: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Gate {
    fail_on: Option<FailOn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Suppression {
    check: String,
    resource: Option<String>,
    target: Option<String>,
    reason: Option<String>,
    expires: Option<DateValue>,
}

/// `expires = 2026-12-31` (a TOML date) or `expires = "2026-12-31"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DateValue {
    Toml(toml::value::Datetime),
    Text(String),
}

/// A target as the run needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedTarget {
    pub name: String,
    pub spec: TargetSpec,
    /// 1-based line of the target's table in the config file (SARIF points there).
    pub line: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Config {
    /// The file as the user named it (reports and SARIF locations use it).
    pub path: Option<String>,
    pub targets: Vec<NamedTarget>,
    pub checks: Checks,
    pub fail_on: Option<FailOn>,
    pub suppressions: Vec<SuppressionRule>,
    pub audit: Audit,
}

impl Config {
    /// The checks to run: the command line's `--only` / `--skip` when given, else the
    /// file's; an unknown id is an error.
    pub fn selection(&self, only: &[String], skip: &[String]) -> Result<Selection, UnknownCheck> {
        let pick = |cli: &[String], file: &[String]| {
            if cli.is_empty() {
                file.to_vec()
            } else {
                cli.to_vec()
            }
        };
        let selection = Selection {
            only: pick(only, &self.checks.only),
            skip: pick(skip, &self.checks.skip),
        };
        selection.validate()?;
        Ok(selection)
    }

    /// Reads `explicit`, else `privpath.toml` in the working directory when present,
    /// else an empty config.
    pub fn discover(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None if Path::new(DEFAULT_FILE).is_file() => PathBuf::from(DEFAULT_FILE),
            None => return Ok(Config::default()),
        };
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: name.clone(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        Config::parse(&text, &name, base)
    }

    /// Parses and validates; `base` is the folder relative snapshot paths start from.
    pub fn parse(text: &str, name: &str, base: &Path) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: name.to_string(),
            // toml's message spans several lines with a source excerpt; the first
            // line plus the position is what a one-line error needs.
            message: one_line(&e.to_string()),
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: name.to_string(),
            message,
        };
        let line_of = |span: Range<usize>| line_at(text, span.start);

        let mut targets: Vec<NamedTarget> = Vec::new();
        for (target_name, spanned) in file.targets {
            let line = line_of(spanned.span());
            let mut spec = spanned.into_inner();
            if spec.snapshot.is_none()
                && spec.plan.is_none()
                && (spec.api.is_none() || spec.instance.is_none())
            {
                return Err(invalid(format!(
                    "target `{target_name}` (line {line}) needs `api` and `instance` (or `snapshot`, or `plan`)"
                )));
            }
            if spec.offline && (spec.plan.is_none() || spec.snapshot.is_some()) {
                return Err(invalid(format!(
                    "target `{target_name}` (line {line}): `offline` checks a `plan` by itself: it needs `plan` and no `snapshot`"
                )));
            }
            for file in [&mut spec.snapshot, &mut spec.plan].into_iter().flatten() {
                if file.is_relative() {
                    *file = lexical(&base.join(&*file));
                }
            }
            let d = &file.defaults;
            spec.region = spec.region.or_else(|| d.region.clone());
            spec.profile = spec.profile.or_else(|| d.profile.clone());
            spec.role = spec.role.or_else(|| d.role.clone());
            spec.external_id = spec.external_id.or_else(|| d.external_id.clone());
            spec.client_region = spec.client_region.or_else(|| d.client_region.clone());
            spec.client_profile = spec.client_profile.or_else(|| d.client_profile.clone());
            spec.client_role = spec.client_role.or_else(|| d.client_role.clone());
            spec.client_external_id = spec
                .client_external_id
                .or_else(|| d.client_external_id.clone());
            spec.network_profile = spec.network_profile.or_else(|| d.network_profile.clone());
            spec.network_role = spec.network_role.or_else(|| d.network_role.clone());
            spec.network_external_id = spec
                .network_external_id
                .or_else(|| d.network_external_id.clone());
            spec.network_region = spec.network_region.or_else(|| d.network_region.clone());
            targets.push(NamedTarget {
                name: target_name,
                spec,
                line: Some(line),
            });
        }
        // In the order the file lists them, which is the order people expect.
        targets.sort_by_key(|t| t.line);

        let checks = file.checks;
        for (key, ids) in [
            ("[checks] only", &checks.only),
            ("[checks] skip", &checks.skip),
        ] {
            for id in ids {
                require_check(id).map_err(|e| invalid(format!("{key}: {e}")))?;
            }
        }
        for id in checks.severity.keys() {
            require_check(id).map_err(|e| invalid(format!("[checks.severity]: {e}")))?;
        }

        let mut suppressions = Vec::new();
        for spanned in file.suppress {
            let line = line_of(spanned.span());
            let s = spanned.into_inner();
            let at = format!("[[suppress]] at line {line}");
            require_check(&s.check).map_err(|e| invalid(format!("{at}: {e}")))?;
            let reason = s.reason.unwrap_or_default();
            if reason.trim().is_empty() {
                return Err(invalid(format!(
                    "{at}: `reason` is required: say why this finding is accepted"
                )));
            }
            if let Some(t) = &s.target {
                if !targets.iter().any(|n| &n.name == t) {
                    return Err(invalid(format!("{at}: no target named `{t}`")));
                }
            }
            let expires = match s.expires {
                None => None,
                Some(v) => {
                    let text = match v {
                        DateValue::Toml(d) => d.to_string(),
                        DateValue::Text(t) => t,
                    };
                    Some(Date::parse(&text).ok_or_else(|| {
                        invalid(format!(
                            "{at}: `expires` must be a date like 2026-12-31, got `{text}`"
                        ))
                    })?)
                }
            };
            suppressions.push(SuppressionRule {
                check: s.check,
                resource: s.resource,
                target: s.target,
                reason,
                expires,
                line: Some(line),
            });
        }
        Ok(Config {
            path: Some(name.to_string()),
            targets,
            checks,
            fail_on: file.gate.fail_on,
            suppressions,
            audit: file.audit,
        })
    }
}

/// `a/b/../c` → `a/c` without touching the file system, so reports name the file as
/// a person would.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message.lines().map(str::trim).collect();
    let position = lines.first().copied().unwrap_or_default();
    // toml: "TOML parse error at line 3, column 7", excerpt lines, then the reason.
    let reason = lines
        .iter()
        .rev()
        .find(|l| !l.is_empty() && !l.starts_with('|') && !l.chars().all(|c| c == '^'))
        .copied()
        .unwrap_or_default();
    if reason == position {
        position.to_string()
    } else {
        format!("{position}: {reason}")
    }
}

/// What `privpath init` writes: every key, commented, with the seed architecture's ids.
pub const STARTER: &str = r#"# privpath.toml: what `privpath check` proves when run with no arguments.
# Reference: `privpath checks` lists every check id; docs/ci.md shows CI jobs using this file.

# AWS settings every target inherits unless it sets its own.
[defaults]
region = "eu-west-1"
# profile = "prod-readonly"                                       # a profile from ~/.aws/config
# role = "arn:aws:iam::111122223333:role/privpath-readonly"       # assumed for every read

# One table per path to prove: the client instance and the method of the PRIVATE API it calls.
[targets.orders-prod]
api = "a1b2c3d4e5"               # the REST API id
instance = "i-0c11e000000000001" # the client EC2 instance
stage = "prod"                   # default: the API's only stage
method = "POST"                  # default: POST
path = "/orders"                 # default: the only resource with the method
# db-instance = "orders-db"      # default: every DB instance in the function's VPC
# domain = "orders.internal.example.com"  # a private custom domain name the client calls
# base-path = "orders"           # the base path under it (default: its only mapping)
# region, profile, role: override [defaults] for this target
# client-region, client-profile, client-role: where the instance is, when not where the API is
# snapshot = "fixtures/seed/healthy.json"   # check a saved snapshot instead of the account
# plan = "tfplan.json"                      # terraform show -json PLAN: the path after the apply
# offline = true                            # with plan: the plan alone, no state read

# [targets.orders-staging]
# api = "f6g7h8i9j0"
# instance = "i-0c11e000000000002"
# profile = "staging-readonly"

# A client in another account and region than the API (the peering joins the two).
# [targets.orders-from-analytics]
# api = "a1b2c3d4e5"
# instance = "i-0a9a1e000000000003"
# client-region = "eu-central-1"
# client-role = "arn:aws:iam::444455556666:role/privpath-readonly"

[checks]
# only = ["dns-resolution", "api-policy-allows-endpoint"]  # run just these
# skip = ["ssm-agent-version"]                            # never run these

# Override a check's severity: high, medium, or low (reported, never fails the gate).
[checks.severity]
# ssm-agent-version = "low"

[gate]
# What makes `privpath check` exit 1: fail (default), warn (fail or warn), or
# unknown (fail, warn or data privpath could not read). Exit 2 is always "could not run".
fail-on = "fail"

# Accept a known finding. `reason` is required; after `expires` the finding counts
# again and the suppression is reported, and so is a suppression that matched nothing.
# [[suppress]]
# check = "api-key-usage-plan"
# resource = "a1b2c3d4e5"        # a resource id the finding names, and/or
# target = "orders-prod"         # a target name
# reason = "API keys are attached by the release pipeline after deploy (TICKET-123)"
# expires = 2026-12-31
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "privpath.toml", Path::new("conf"))
    }

    #[test]
    fn starter_file_parses_to_one_target_with_defaults_applied() {
        let c = parse(STARTER).expect("starter parses");
        assert_eq!(c.targets.len(), 1);
        let t = &c.targets[0];
        assert_eq!(t.name, "orders-prod");
        assert_eq!(t.spec.region.as_deref(), Some("eu-west-1"));
        assert_eq!(t.spec.path.as_deref(), Some("/orders"));
        assert_eq!(t.line, Some(11));
        assert_eq!(c.fail_on, Some(FailOn::Fail));
        assert!(c.suppressions.is_empty());
    }

    #[test]
    fn targets_keep_file_order_and_snapshot_paths_are_relative_to_the_file() {
        let c = parse(
            "[targets.zeta]\nsnapshot = \"./x/../a.json\"\n[targets.alpha]\napi = \"x\"\ninstance = \"i-1\"\nregion = \"us-east-1\"\n",
        )
        .unwrap();
        let names: Vec<_> = c.targets.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["zeta", "alpha"]);
        assert_eq!(
            c.targets[0].spec.snapshot,
            Some(PathBuf::from("conf/a.json"))
        );
        assert_eq!(c.targets[1].line, Some(3));
    }

    #[test]
    fn suppressions_need_a_reason_a_known_check_and_a_real_date() {
        let base = "[targets.t]\nsnapshot = \"s.json\"\n[[suppress]]\n";
        let err = |extra: &str| parse(&format!("{base}{extra}")).unwrap_err().to_string();
        assert!(err("check = \"peering-active\"\n").contains("`reason` is required"));
        assert!(
            err("check = \"peering-active\"\nreason = \"  \"\n").contains("`reason` is required")
        );
        assert!(err("check = \"peering-activ\"\nreason = \"r\"\n")
            .contains("unknown check id `peering-activ`"));
        assert!(
            err("check = \"peering-active\"\nreason = \"r\"\nexpires = \"soon\"\n")
                .contains("`expires` must be a date")
        );
        assert!(
            err("check = \"peering-active\"\nreason = \"r\"\ntarget = \"u\"\n")
                .contains("no target named `u`")
        );
        let ok = parse(&format!(
            "{base}check = \"peering-active\"\nreason = \"r\"\nexpires = 2026-12-31\ntarget = \"t\"\n"
        ))
        .unwrap();
        assert_eq!(ok.suppressions[0].expires, Date::parse("2026-12-31"));
        assert_eq!(ok.suppressions[0].line, Some(3));
    }

    #[test]
    fn mistakes_are_errors_naming_the_file() {
        for (text, needle) in [
            ("[targets.t]\napi = \"x\"\n", "needs `api` and `instance`"),
            (
                "[targets.t]\nsnapshot = \"s\"\napi_id = \"x\"\n",
                "unknown field `api_id`",
            ),
            ("[checks]\nskip = [\"nope\"]\n", "unknown check id `nope`"),
            (
                "[checks.severity]\npeering-active = \"critical\"\n",
                "unknown variant `critical`",
            ),
            ("[gate]\nfail-on = \"never\"\n", "unknown variant `never`"),
            ("[targets.t\n", "TOML parse error"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.starts_with("privpath.toml: "), "{e}");
            assert!(e.contains(needle), "{needle:?} not in {e:?}");
            assert_eq!(e.lines().count(), 1, "{e}");
        }
    }

    #[test]
    fn client_side_keys_default_from_defaults_and_targets_override_them() {
        let c = parse(
            "[defaults]\nregion = \"us-east-1\"\nclient-region = \"eu-west-1\"\nclient-role = \"arn:aws:iam::444455556666:role/r\"\n\
             [targets.a]\napi = \"x\"\ninstance = \"i-1\"\n\
             [targets.b]\napi = \"x\"\ninstance = \"i-2\"\nclient-region = \"ap-south-1\"\nclient-profile = \"analytics\"\nclient-external-id = \"e\"\n",
        )
        .unwrap();
        let (a, b) = (&c.targets[0].spec, &c.targets[1].spec);
        assert_eq!(a.region.as_deref(), Some("us-east-1"));
        assert_eq!(a.client_region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            a.client_role.as_deref(),
            Some("arn:aws:iam::444455556666:role/r")
        );
        assert_eq!(b.client_region.as_deref(), Some("ap-south-1"));
        assert_eq!(b.client_profile.as_deref(), Some("analytics"));
        assert_eq!(b.client_external_id.as_deref(), Some("e"));
        assert!(
            parse("[targets.t]\napi = \"x\"\ninstance = \"i\"\nclient-regoin = \"x\"\n")
                .unwrap_err()
                .to_string()
                .contains("unknown field `client-regoin`")
        );
    }

    #[test]
    fn audit_table_parses_and_rejects_unknown_keys() {
        let c = parse(
            "[audit]\norg = true\nrole-name = \"privpath-readonly\"\nregions = [\"all\"]\nexclude = [\"999988887777\", \"111122223333/me-south-1\"]\n",
        )
        .unwrap();
        assert!(c.audit.org);
        assert_eq!(c.audit.role_name.as_deref(), Some("privpath-readonly"));
        assert_eq!(c.audit.regions, ["all"]);
        assert_eq!(c.audit.exclude.len(), 2);
        assert!(parse("[audit]\nroles = \"x\"\n")
            .unwrap_err()
            .to_string()
            .contains("unknown field `roles`"));
    }
}
