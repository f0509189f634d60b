//! The private custom domain name on a path (`https://orders.internal.example.com`):
//! which domain record the client's name means, which base path mapping carries the
//! request to which API and stage, and the certificate behind it. Pure lookups over the
//! snapshot; the `domain-*` checks judge what is found.
//!
//! A private custom domain name lives in the API's account and region and is identified
//! by its name *and* its `domainNameId` (names need not be unique); its base path
//! mappings send `https://NAME/BASE/…` to one API's stage.

use crate::index::{Index, SnapshotIndex};
use crate::snapshot::{BasePathMapping, Certificate, DomainName};
use crate::target::{ResolveError, Target};

pub use crate::dns_name::normalise;

/// A base path as `--base-path` or a mapping gives it: no slashes, `(none)` is empty.
pub fn normalise_base_path(p: &str) -> &str {
    let p = p.trim().trim_matches('/');
    if p == "(none)" {
        ""
    } else {
        p
    }
}

/// What the snapshot says about the domain the client calls.
pub struct DomainHop<'a> {
    /// The name the client calls.
    pub name: String,
    /// The scope the domain was looked for in (the API's, or the only scope holding
    /// domain names).
    pub ix: &'a Index<'a>,
    /// The domain's record, when the scope holds one by that name (a private one first).
    pub record: Option<&'a DomainName>,
    /// Every mapping of the domain; `None` when mappings were not collected.
    pub mappings: Option<Vec<&'a BasePathMapping>>,
    /// The base path the client calls, when one was named.
    pub base_path: Option<String>,
    /// The mapping the request takes: the named base path's, else the only mapping (or
    /// the only one to the target API), else the empty base path's.
    pub mapping: Option<&'a BasePathMapping>,
}

impl<'a> DomainHop<'a> {
    /// The domain's certificate record, when collected.
    pub fn certificate(&self) -> Option<&'a Certificate> {
        let arn = self.record?.certificate_arn.as_deref()?;
        self.ix
            .scope
            .certificates
            .iter()
            .flatten()
            .find(|c| c.certificate_arn == arn)
    }

    /// The base path the URL carries: the mapping's, else the one named.
    pub fn url_base_path(&self) -> &str {
        match (self.mapping, &self.base_path) {
            (Some(m), _) => m.path(),
            (None, Some(p)) => normalise_base_path(p),
            (None, None) => "",
        }
    }

    /// The domain's execute-api ARN, which its resource policy is evaluated on:
    /// `arn:PARTITION:execute-api:REGION:ACCOUNT:/domainnames/NAME+ID`.
    pub fn execute_api_arn(&self, partition: &str) -> Option<String> {
        let record = self.record?;
        let account = self.ix.scope.account.as_deref()?;
        Some(format!(
            "arn:{partition}:execute-api:{}:{account}:/domainnames/{}",
            self.ix.scope.region,
            record.qualified()
        ))
    }

    /// The domain's management ARN (`arn:…:apigateway:REGION::/domainnames/NAME+ID`),
    /// which access associations name: the record's, else built from its parts.
    pub fn arn(&self, partition: &str) -> Option<String> {
        let record = self.record?;
        if let Some(arn) = &record.domain_name_arn {
            return Some(arn.clone());
        }
        let account = self.ix.scope.account.as_deref()?;
        Some(format!(
            "arn:{partition}:apigateway:{}:{account}:/domainnames/{}",
            self.ix.scope.region,
            record.qualified()
        ))
    }
}

/// The domain on the target's path and the API id and stage its mapping gives: `None`
/// when the target names no domain and the snapshot holds no domain name. With no name
/// given, the snapshot's only private domain name (else its only domain name) is the
/// target's, as for instances and APIs; several are an error asking for `--domain-name`.
pub fn locate<'s, 'a>(
    ix: &'s SnapshotIndex<'a>,
    target: &Target,
) -> Result<Option<DomainHop<'a>>, ResolveError>
where
    's: 'a,
{
    if target.execute_api_name {
        return Ok(None);
    }
    // A pinned scope (an audit's paths, a live run's) is looked up, not searched for:
    // per path the cost stays independent of how many scopes the estate has.
    let admitted: Vec<&'a Index<'a>> = match ix.pinned(&target.api_scope) {
        Some(one) => vec![one],
        None => ix
            .scopes
            .iter()
            .filter(|s| target.api_scope.admits(s.scope))
            .collect(),
    };
    let records = |s: &'a Index<'a>| s.scope.domain_names.iter().flatten().map(move |d| (s, d));
    let (name, found): (String, Vec<(&'a Index<'a>, &'a DomainName)>) = match &target.domain_name {
        Some(wanted) => {
            let wanted = normalise(wanted);
            let found = admitted
                .iter()
                .flat_map(|s| {
                    s.domain_records
                        .named(&wanted)
                        .iter()
                        .map(move |d| (*s, *d))
                })
                .collect();
            (wanted, found)
        }
        None => {
            let all: Vec<_> = admitted.iter().flat_map(|s| records(s)).collect();
            // A snapshot whose only domain name is not private still names the domain the
            // client calls: domain-private then says what is wrong with it.
            let private: Vec<_> = if all.iter().any(|(_, d)| d.is_private()) {
                all.into_iter().filter(|(_, d)| d.is_private()).collect()
            } else {
                all
            };
            let mapped_to_api: Vec<_> = match &target.api_id {
                Some(api) => private
                    .iter()
                    .filter(|(s, d)| mappings_of(s, d).iter().any(|m| m.rest_api_id == *api))
                    .copied()
                    .collect(),
                None => private.clone(),
            };
            match mapped_to_api.as_slice() {
                [] => return Ok(None),
                [(_, only)] => (normalise(&only.domain_name), mapped_to_api.clone()),
                many => {
                    return Err(ResolveError::AmbiguousDomain {
                        count: many.len(),
                        found: many
                            .iter()
                            .map(|(_, d)| d.qualified())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                }
            }
        }
    };
    // A private record first: a public domain of the same name does not reach a
    // private API, and domain-private says so only when no private one exists.
    let chosen = found
        .iter()
        .find(|(_, d)| d.is_private())
        .or(found.first())
        .copied();
    let home: &'a Index<'a> = match chosen {
        Some((s, _)) => s,
        None => match admitted
            .iter()
            .find(|s| s.scope.domain_names.is_some())
            .or(admitted.first())
        {
            Some(s) => s,
            None => return Ok(None),
        },
    };
    let record = chosen.map(|(_, d)| d);
    let mappings = match (record, home.scope.base_path_mappings.as_ref()) {
        (Some(d), Some(_)) => Some(mappings_of(home, d)),
        (None, Some(_)) => Some(Vec::new()),
        (_, None) => None,
    };
    let base_path = target.base_path.clone();
    let mapping = mappings
        .as_deref()
        .and_then(|all| choose_mapping(all, base_path.as_deref(), target.api_id.as_deref()));
    Ok(Some(DomainHop {
        name,
        ix: home,
        record,
        mappings,
        base_path,
        mapping,
    }))
}

fn mappings_of<'a>(ix: &'a Index<'a>, d: &DomainName) -> Vec<&'a BasePathMapping> {
    ix.domain_records
        .mappings(&normalise(&d.domain_name))
        .iter()
        .filter(|m| m.domain_name_id.is_none() || m.domain_name_id == d.domain_name_id)
        .copied()
        .collect()
}

/// The mapping a request takes among a domain's: the named base path's, else the only
/// mapping (or the only one to `api_id`), else the empty base path's. The live collector
/// uses it too, to learn the API and stage before it reads them.
pub fn choose_mapping<'a>(
    all: &[&'a BasePathMapping],
    base_path: Option<&str>,
    api_id: Option<&str>,
) -> Option<&'a BasePathMapping> {
    if let Some(p) = base_path {
        let p = normalise_base_path(p);
        return all.iter().find(|m| m.path() == p).copied();
    }
    let to_api: Vec<&'a BasePathMapping> = match api_id {
        Some(api) => all
            .iter()
            .filter(|m| m.rest_api_id == api)
            .copied()
            .collect(),
        None => all.to_vec(),
    };
    match to_api.as_slice() {
        [only] => Some(only),
        many => many
            .iter()
            .find(|m| m.path().is_empty())
            .or_else(|| all.iter().find(|m| m.path().is_empty()))
            .copied(),
    }
}
