//! An audit's paths: every (API, client instance, stage × method) of a snapshot of
//! many scopes, enumerated over the one index of the snapshot, and the estate the
//! estate checks read (every path with its findings).

use crate::domain::normalise;
use crate::finding::{Finding, Status};
use crate::path::{
    endpoint_refs, execute_api_service, Index, PolicyState, ScopeFilter, SnapshotIndex, Target,
};
use crate::policy;
use crate::snapshot::{Instance, RestApi, Scope, VpcEndpoint};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// One path of the estate: a client instance calling one method of one API.
#[derive(Clone, Debug, PartialEq, Eq)]
///
/// Its ids borrow the snapshot's strings: an audit holds one per path (100,000 of them
/// in a large estate), so none is copied.
pub struct EstatePath<'a> {
    /// Positions in the snapshot's `scopes`.
    pub api_scope: usize,
    pub client_scope: usize,
    pub api_id: &'a str,
    pub instance_id: &'a str,
    pub stage: Option<&'a str>,
    pub http_method: Option<&'a str>,
    pub resource_path: Option<&'a str>,
    /// The private custom domain name the client calls, when the path goes through one
    /// (else the API's execute-api name).
    pub domain: Option<DomainVia<'a>>,
}

/// A private custom domain name a path calls through, at one of its base path mappings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DomainVia<'a> {
    /// As the mapping spells it.
    pub name: &'a str,
    /// The mapping's base path (empty: `(none)`).
    pub base_path: &'a str,
}

impl DomainVia<'_> {
    /// `https://NAME/BASE` as the client calls it.
    pub fn url(&self) -> String {
        match self.base_path {
            "" => format!("https://{}", self.name),
            base => format!("https://{}/{base}", self.name),
        }
    }
}

impl EstatePath<'_> {
    /// The target `privpath check` would resolve for this path.
    pub fn target(&self, ix: &SnapshotIndex<'_>) -> Target {
        let pin = |i: usize| {
            let s = ix.scopes[i].scope;
            ScopeFilter {
                account: s.account.clone(),
                region: Some(s.region.clone()),
            }
        };
        Target {
            api_id: Some(self.api_id.to_string()),
            instance_id: Some(self.instance_id.to_string()),
            stage: self.stage.map(str::to_string),
            http_method: self.http_method.map(str::to_string),
            resource_path: self.resource_path.map(str::to_string),
            db_instance_id: None,
            client_scope: pin(self.client_scope),
            api_scope: pin(self.api_scope),
            today: None,
            domain_name: self.domain.map(|d| d.name.to_string()),
            base_path: self.domain.map(|d| d.base_path.to_string()),
            // A path that does not name a domain calls the execute-api name, even when
            // a domain maps the API.
            execute_api_name: self.domain.is_none(),
        }
    }
}

/// A path with the findings its checks gave.
pub struct CheckedPath<'a> {
    pub path: EstatePath<'a>,
    pub findings: Vec<Finding>,
}

impl CheckedPath<'_> {
    /// The first check that fails on the request's way (in path order), if any. Session
    /// Manager's checks are the operator's branch: they do not stop a request.
    pub fn first_failure(&self) -> Option<&Finding> {
        self.findings
            .iter()
            .find(|f| f.status == Status::Fail && blocks_requests(f.check))
    }
}

/// Whether a failure of this check stops the client's requests (not only the
/// operator's sessions).
pub fn blocks_requests(check: &str) -> bool {
    crate::checks::REGISTRY
        .iter()
        .find(|c| c.meta.id == check)
        .is_some_and(|c| c.meta.hop != crate::check::Hop::OperatorAccess)
}

/// What an estate check sees: the snapshot's index, the APIs the audit covers and every
/// checked path.
pub struct Estate<'i, 'a> {
    pub ix: &'i SnapshotIndex<'a>,
    pub apis: Vec<(usize, &'a RestApi)>,
    pub paths: &'i [CheckedPath<'a>],
}

impl<'i, 'a> Estate<'i, 'a> {
    pub fn new(ix: &'i SnapshotIndex<'a>, paths: &'i [CheckedPath<'a>]) -> Estate<'i, 'a> {
        Estate {
            ix,
            apis: audited_apis(ix),
            paths,
        }
    }

    pub fn scope(&self, i: usize) -> &'a Scope {
        self.ix.scopes[i].scope
    }
}

/// The APIs an audit covers: every PRIVATE REST API, and any other whose resource
/// policy names VPC endpoints or VPCs (a REGIONAL or EDGE API meant for private callers).
pub fn audited_apis<'a>(ix: &SnapshotIndex<'a>) -> Vec<(usize, &'a RestApi)> {
    let mut out = Vec::new();
    for scope_ix in &ix.scopes {
        for api in scope_ix.scope.rest_apis.iter().flatten() {
            if api.is_private()
                || policy_document(api).is_some_and(|d| policy::restricts_by_vpc(&d))
            {
                out.push((scope_ix.position, api));
            }
        }
    }
    out
}

/// The API's resource policy, decoded, when it has a readable one.
pub fn policy_document(api: &RestApi) -> Option<Value> {
    match PolicyState::of(api) {
        PolicyState::Present(doc) => Some(doc),
        _ => None,
    }
}

/// Whether an instance in this state can send a request (stopped and terminated ones
/// cannot; an instance described without a state is taken as running).
fn can_call(i: &Instance) -> bool {
    i.state
        .as_ref()
        .is_none_or(|s| matches!(s.name.as_str(), "" | "running" | "pending"))
}

/// The VPCs (with their scopes) whose instances can reach an endpoint: its own, every
/// VPC peered with it, and every VPC a transit gateway routes to it (any account or
/// region the snapshot holds), each once.
pub fn client_vpcs<'a>(
    ix: &'a SnapshotIndex<'a>,
    endpoint_ix: &'a Index<'a>,
    endpoint: &'a VpcEndpoint,
) -> Vec<(usize, &'a str)> {
    let home = (endpoint_ix.position, endpoint.vpc_id.as_str());
    let mut out: Vec<(usize, &'a str)> = Vec::new();
    for p in endpoint_ix
        .peerings_by_vpc
        .get(endpoint.vpc_id.as_str())
        .into_iter()
        .flatten()
    {
        if !crate::path::peering_alive(p) {
            continue;
        }
        for info in [&p.requester_vpc_info, &p.accepter_vpc_info]
            .into_iter()
            .flatten()
        {
            let Some(vpc) = info.vpc_id.as_deref() else {
                continue;
            };
            let region = info.region.as_deref().unwrap_or(&endpoint_ix.scope.region);
            let account = info
                .owner_id
                .as_deref()
                .or(endpoint_ix.scope.account.as_deref());
            if let Some(peer_ix) = ix.scope(account, region) {
                out.push((peer_ix.position, vpc));
            }
        }
    }
    out.extend(crate::transit::clients_of(
        ix,
        endpoint_ix,
        &endpoint.vpc_id,
    ));
    // Sorted and deduplicated: a hub may route hundreds of VPCs to one endpoint.
    out.retain(|k| *k != home);
    out.sort_unstable();
    out.dedup();
    out.insert(0, home);
    out
}

/// A stage and a (resource path, HTTP method) of an API; `None` lets the checks pick.
type MethodCombo<'a> = (Option<&'a str>, Option<(&'a str, &'a str)>);

/// The (resource path, HTTP method) pairs of the API's methods, and its stages.
fn methods_and_stages<'a>(
    scope: &'a Scope,
    api: &RestApi,
) -> (Vec<(&'a str, &'a str)>, Vec<&'a str>) {
    let mine = |id: &Option<String>| id.as_deref().is_none_or(|i| i == api.id);
    let mut methods = Vec::new();
    for r in scope
        .resources
        .iter()
        .flatten()
        .filter(|r| mine(&r.rest_api_id))
    {
        for verb in r.resource_methods.keys() {
            methods.push((r.path.as_str(), verb.as_str()));
        }
    }
    let stages = scope
        .stages
        .iter()
        .flatten()
        .filter(|s| mine(&s.rest_api_id))
        .map(|s| s.stage_name.as_str())
        .collect();
    (methods, stages)
}

/// Every stage × method to call, or one path with the defaults when the API has no
/// stage or no method (so the API checks say what is missing).
fn combos<'a>(stages: &[&'a str], methods: &[(&'a str, &'a str)]) -> Vec<MethodCombo<'a>> {
    if stages.is_empty() || methods.is_empty() {
        return vec![(None, None)];
    }
    stages
        .iter()
        .flat_map(|s| methods.iter().map(move |m| (Some(*s), Some(*m))))
        .collect()
}

/// (scope, API id) → the private custom domain names of that scope mapping the API, each
/// with the mapping's stage.
type MappedDomains<'a> = HashMap<(usize, &'a str), Vec<(DomainVia<'a>, Option<&'a str>)>>;

/// [`MappedDomains`] of the snapshot: one pass over every scope's mappings.
fn domain_mappings<'a>(ix: &'a SnapshotIndex<'a>) -> MappedDomains<'a> {
    let mut out: MappedDomains<'a> = HashMap::new();
    for s in &ix.scopes {
        // Only a private domain name reaches a private API; names need not be unique,
        // so a mapping is matched by name and `domainNameId`.
        let private: Vec<(String, Option<&str>)> = s
            .scope
            .domain_names
            .iter()
            .flatten()
            .filter(|d| d.is_private())
            .map(|d| (normalise(&d.domain_name), d.domain_name_id.as_deref()))
            .collect();
        if private.is_empty() {
            continue;
        }
        for m in s.scope.base_path_mappings.iter().flatten() {
            let name = normalise(&m.domain_name);
            let of_private = private.iter().any(|(n, id)| {
                *n == name && (m.domain_name_id.is_none() || m.domain_name_id.as_deref() == *id)
            });
            if !of_private {
                continue;
            }
            let via = DomainVia {
                name: m.domain_name.as_str(),
                base_path: m.path(),
            };
            let list = out.entry((s.position, m.rest_api_id.as_str())).or_default();
            if !list.iter().any(|(v, _)| *v == via) {
                list.push((via, m.stage.as_deref()));
            }
        }
    }
    out
}

/// Every path of the estate: for each audited API, each client instance that sits in a
/// VPC able to reach one of the API's execute-api endpoints, and each deployed stage ×
/// method of the API (one path with the defaults when it has none, so the API checks
/// say what is missing) — through the execute-api name, and again through each private
/// custom domain name whose base path mapping names the API (on the mapping's stage).
/// Linear in the estate: every lookup goes through the index.
pub fn paths<'a>(ix: &'a SnapshotIndex<'a>) -> Vec<EstatePath<'a>> {
    let mut by_region: HashMap<&str, Vec<&Index<'_>>> = HashMap::new();
    for s in &ix.scopes {
        by_region
            .entry(s.scope.region.as_str())
            .or_default()
            .push(s);
    }
    let mapped = domain_mappings(ix);
    let mut out = Vec::new();
    for (api_pos, api) in audited_apis(ix) {
        let api_ix = &ix.scopes[api_pos];
        let region = api_ix.scope.region.as_str();
        // The API's own scope first, then the other accounts of its region.
        let mut scopes: Vec<&Index<'_>> = vec![api_ix];
        scopes.extend(
            by_region
                .get(region)
                .into_iter()
                .flatten()
                .copied()
                .filter(|s| s.position != api_pos),
        );
        let refs = endpoint_refs(
            &scopes,
            api,
            &PolicyState::of(api),
            &execute_api_service(region),
        );
        let mut clients: BTreeSet<(usize, &str)> = BTreeSet::new();
        for (e_ix, e) in refs.iter().filter_map(|r| r.record) {
            for (scope, vpc) in client_vpcs(ix, e_ix, e) {
                let instances = ix.scopes[scope].instances_by_vpc.get(vpc);
                for i in instances.into_iter().flatten().filter(|i| can_call(i)) {
                    clients.insert((scope, i.instance_id.as_str()));
                }
            }
        }
        let (methods, stages) = methods_and_stages(api_ix.scope, api);
        let through = std::iter::once((None, combos(&stages, &methods))).chain(
            mapped
                .get(&(api_pos, api.id.as_str()))
                .into_iter()
                .flatten()
                .map(|(via, stage)| {
                    // A mapping to one stage calls only it; one without a stage names the
                    // stage in the URL, so every stage is reachable through it.
                    let stages = match stage {
                        Some(s) => std::slice::from_ref(s),
                        None => stages.as_slice(),
                    };
                    (Some(*via), combos(stages, &methods))
                }),
        );
        for (via, combos) in through {
            for (scope, instance) in &clients {
                for (stage, method) in &combos {
                    out.push(EstatePath {
                        api_scope: api_pos,
                        client_scope: *scope,
                        api_id: api.id.as_str(),
                        instance_id: instance,
                        stage: *stage,
                        http_method: method.map(|(_, v)| v),
                        resource_path: method.map(|(p, _)| p),
                        domain: via,
                    });
                }
            }
        }
    }
    out
}
