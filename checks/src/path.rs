//! Path resolution: from the client instance and the API to every resource on the
//! request path. Lookups go through [`Index`], built once in linear time, so evaluation
//! stays linear in the snapshot's size.

use crate::index::peering_rank;
pub use crate::index::{is_active, peering_alive, peering_status, Index, SnapshotIndex};
pub use crate::target::{ResolveError, ScopeFilter, Target};
pub use crate::transit::Transit;

use crate::api_target::MethodTarget;
use crate::backend::Backend;
use crate::net::{parse_ipv4, Cidr};
use crate::policy;
use crate::snapshot::*;
use crate::target::{list_ids, AuditHint};
use crate::transit;
use serde_json::Value;

/// What carries the request between the two VPCs.
#[derive(Clone, Copy)]
pub enum Carrier<'a> {
    /// One VPC (or no endpoint): nothing between.
    SameVpc,
    /// A VPC peering connection (`ResolvedPath::peerings`, possibly none).
    Peering,
    /// A transit gateway: the one the client's route names (or both VPCs are attached
    /// to), with the attachments when the snapshot shows them.
    Transit {
        tgw: &'a str,
        hop: Option<Transit<'a>>,
    },
}

/// The TGW the client's route table sends the endpoint's first subnet to.
fn routed_tgw<'a>(client: &Client<'a>, e: &EndpointHop<'a>) -> Option<&'a str> {
    let (table, _) = client.route_table?;
    let dest = e.subnets.iter().find_map(|s| s.cidr())?;
    let (route, _) = crate::routes::lookup(table, dest).covering?;
    route.transit_gateway_id.as_deref()
}

/// The client instance and its network context.
pub struct Client<'a> {
    pub instance: &'a Instance,
    pub subnet: Option<&'a Subnet>,
    pub vpc_id: Option<&'a str>,
    /// The effective route table, and whether it is explicitly associated.
    pub route_table: Option<(&'a RouteTable, bool)>,
    pub group_ids: Vec<&'a str>,
    pub security_groups: Vec<&'a SecurityGroup>,
    pub network_acl: Option<&'a NetworkAcl>,
    pub private_ip: Option<u32>,
}

impl Client<'_> {
    pub fn id(&self) -> &str {
        &self.instance.instance_id
    }

    pub fn subnet_cidr(&self) -> Option<Cidr> {
        self.subnet
            .and_then(|s| s.cidr_block.as_deref())
            .and_then(Cidr::parse)
    }
}

/// How an endpoint is tied to the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointLink {
    /// Listed in the API's `endpointConfiguration.vpcEndpointIds`.
    Associated,
    /// Named by an `aws:SourceVpce` condition of the resource policy.
    PolicySourceVpce,
    /// An execute-api endpoint in a VPC named by an `aws:SourceVpc` condition.
    PolicySourceVpc,
    /// Tied to the API by nothing in the snapshot: an execute-api endpoint that could
    /// carry the request only if the resource policy admits every endpoint.
    Unlinked,
}

impl EndpointLink {
    pub fn describe(self) -> &'static str {
        match self {
            EndpointLink::Associated => "associated with the API",
            EndpointLink::PolicySourceVpce => "named by the resource policy (aws:SourceVpce)",
            EndpointLink::PolicySourceVpc => {
                "in a VPC named by the resource policy (aws:SourceVpc)"
            }
            EndpointLink::Unlinked => "not associated with the API nor named by its policy",
        }
    }
}

/// An endpoint id tied to the API, with its record (and the scope holding it) when the
/// snapshot has it.
pub struct EndpointRef<'a> {
    pub id: String,
    pub links: Vec<EndpointLink>,
    pub record: Option<(&'a Index<'a>, &'a VpcEndpoint)>,
}

pub struct EndpointSubnet<'a> {
    pub id: &'a str,
    pub subnet: Option<&'a Subnet>,
    pub route_table: Option<(&'a RouteTable, bool)>,
}

impl EndpointSubnet<'_> {
    pub fn cidr(&self) -> Option<Cidr> {
        self.subnet
            .and_then(|s| s.cidr_block.as_deref())
            .and_then(Cidr::parse)
    }
}

/// The endpoint the client's requests go to.
pub struct EndpointHop<'a> {
    /// The scope that holds the endpoint: usually the API's, but an endpoint in another
    /// account of the same region may carry the request.
    pub ix: &'a Index<'a>,
    pub endpoint: &'a VpcEndpoint,
    pub subnets: Vec<EndpointSubnet<'a>>,
    pub security_groups: Vec<&'a SecurityGroup>,
    pub missing_groups: Vec<&'a str>,
}

impl EndpointHop<'_> {
    pub fn id(&self) -> &str {
        &self.endpoint.vpc_endpoint_id
    }

    pub fn vpc_id(&self) -> &str {
        &self.endpoint.vpc_id
    }

    pub fn group_ids(&self) -> Vec<&str> {
        self.endpoint
            .groups
            .iter()
            .map(|g| g.group_id.as_str())
            .collect()
    }
}

/// The API's resource policy as found.
pub enum PolicyState {
    Absent,
    Malformed(String),
    Present(Value),
}

impl PolicyState {
    /// The API's policy decoded (API Gateway returns an escaped JSON string; an empty
    /// one is no policy).
    pub fn of(api: &RestApi) -> PolicyState {
        match &api.policy {
            None => PolicyState::Absent,
            Some(Value::String(s)) if s.trim().is_empty() => PolicyState::Absent,
            Some(raw) => match policy::decode_document(raw) {
                Ok(doc) => PolicyState::Present(doc),
                Err(e) => PolicyState::Malformed(e),
            },
        }
    }
}

pub struct ResolvedPath<'a> {
    /// The scope of the API: its stages, usage plans, function and databases.
    pub api_scope: &'a Scope,
    pub api_ix: &'a Index<'a>,
    /// The scope of the client instance: its subnet, VPC, groups and SSM records. The
    /// same as the API's when both sides live in one account and region.
    pub client_scope: &'a Scope,
    pub client_ix: &'a Index<'a>,
    /// The API's region: the request URL, the execution ARNs and the execute-api
    /// endpoint's service name use it.
    pub region: &'a str,
    pub client: Client<'a>,
    pub api: &'a RestApi,
    pub policy: PolicyState,
    pub endpoint_refs: Vec<EndpointRef<'a>>,
    /// The endpoint on the path: the best usable execute-api endpoint tied to the API.
    pub endpoint: Option<EndpointHop<'a>>,
    /// The stage, resource and HTTP method the client calls.
    pub method: MethodTarget<'a>,
    /// The Lambda function behind the method and its databases.
    pub backend: Backend<'a>,
    /// The private custom domain name the client calls, when it calls one.
    pub domain: Option<crate::domain::DomainHop<'a>>,
    /// The transit gateway(s) joining the client VPC and the endpoint VPC, when both are
    /// attached (to one TGW, or to two peered ones).
    pub transit: Option<Transit<'a>>,
    /// The TGW the client's route table sends the endpoint's first subnet to, if any.
    pub routed_tgw: Option<&'a str>,
    /// The snapshot holds several scopes (an audit, or a path across accounts).
    pub many_scopes: bool,
    /// The day the data describes (`YYYY-MM-DD`): when the snapshot was captured, else
    /// the target's `today`. Dated checks (runtime deprecations) judge against it.
    pub as_of: Option<String>,
    /// The Terraform plan overlaid on the snapshot, when the run checks one: the
    /// caller sets it after resolving (the plan is not part of the snapshot's data).
    pub plan: Option<&'a crate::planned::PlanContext>,
}

impl<'a> ResolvedPath<'a> {
    pub fn resolve(
        ix: &'a SnapshotIndex<'a>,
        target: &Target,
    ) -> Result<ResolvedPath<'a>, ResolveError> {
        // A domain's mapping names the API and stage the client reaches through it.
        let domain = crate::domain::locate(ix, target)?;
        let mapped = domain.as_ref().and_then(|d| d.mapping);
        let target = &Target {
            api_id: target
                .api_id
                .clone()
                .or_else(|| mapped.map(|m| m.rest_api_id.clone())),
            stage: target
                .stage
                .clone()
                .or_else(|| mapped.and_then(|m| m.stage.clone())),
            ..target.clone()
        };
        let (client_ix, instance) = pick_instance(ix, target)?;
        let (api_ix, api) = pick_api(ix, target)?;
        let (client_scope, api_scope) = (client_ix.scope, api_ix.scope);
        let client = resolve_client(client_ix, instance);
        let policy = PolicyState::of(api);
        let service = execute_api_service(&api_scope.region);
        // The endpoint is looked for in the API's scope, then in the client's: an
        // endpoint of another account of the API's region may carry the request.
        let endpoint_scopes: Vec<&'a Index<'a>> =
            if std::ptr::eq(api_ix, client_ix) || client_scope.region != api_scope.region {
                vec![api_ix]
            } else {
                vec![api_ix, client_ix]
            };
        let endpoint_refs = endpoint_refs(&endpoint_scopes, api, &policy, &service);
        let endpoint = pick_endpoint(ix, client_ix, &client, &endpoint_refs, &service)
            .map(|(e_ix, e)| resolve_endpoint(e_ix, e));
        let routed_tgw = endpoint.as_ref().and_then(|e| routed_tgw(&client, e));
        let transit = match (client.vpc_id, &endpoint) {
            (Some(vpc), Some(e)) if !(vpc == e.vpc_id() && std::ptr::eq(client_ix, e.ix)) => {
                transit::locate(ix, client_ix, vpc, e.ix, e.vpc_id(), routed_tgw)
            }
            _ => None,
        };
        let method = MethodTarget::resolve(
            api_ix,
            api,
            target.stage.as_deref(),
            target.http_method.as_deref(),
            target.resource_path.as_deref(),
        );
        let backend = Backend::resolve(
            api_ix,
            method.method().and_then(|m| m.method_integration.as_ref()),
            method.stage.found(),
            target.db_instance_id.as_deref(),
        );
        Ok(ResolvedPath {
            api_scope,
            api_ix,
            client_scope,
            client_ix,
            region: &api_scope.region,
            client,
            api,
            policy,
            endpoint_refs,
            endpoint,
            method,
            backend,
            domain,
            transit,
            routed_tgw,
            many_scopes: ix.scopes.len() > 1,
            as_of: ix
                .snapshot
                .captured_at
                .as_deref()
                .and_then(|t| t.get(..10))
                .map(str::to_string)
                .or_else(|| target.today.clone()),
            plan: None,
        })
    }

    /// Whether the client and the API live in different scopes (accounts or regions).
    pub fn crosses_scopes(&self) -> bool {
        !std::ptr::eq(self.api_ix, self.client_ix)
    }

    /// Whether the client's region differs from the API's (an inter-region peering).
    pub fn crosses_regions(&self) -> bool {
        self.client_scope.region != self.api_scope.region
    }

    /// The client's region: the Session Manager endpoints' service names use it.
    pub fn client_region(&self) -> &'a str {
        &self.client_scope.region
    }

    /// The scope that holds the endpoint on the path (the API's when there is none).
    pub fn endpoint_ix(&self) -> &'a Index<'a> {
        self.endpoint.as_ref().map_or(self.api_ix, |e| e.ix)
    }

    /// The indexes of the path's scopes, each once: client, endpoint, API.
    pub fn scopes(&self) -> Vec<&'a Index<'a>> {
        let mut out: Vec<&'a Index<'a>> = vec![self.client_ix];
        for ix in [self.endpoint_ix(), self.api_ix] {
            if !out.iter().any(|o| std::ptr::eq(*o, ix)) {
                out.push(ix);
            }
        }
        out
    }

    /// The peering connections joining the client VPC and the endpoint VPC, active
    /// first, as either side recorded them (each once); empty when they are the same
    /// VPC or either is unknown.
    pub fn peerings(&self) -> Vec<&'a VpcPeeringConnection> {
        let (Some(a), Some(e)) = (self.client.vpc_id, &self.endpoint) else {
            return Vec::new();
        };
        if self.same_vpc() {
            return Vec::new();
        }
        let mut out: Vec<&'a VpcPeeringConnection> = Vec::new();
        for ix in [self.client_ix, e.ix] {
            for p in ix.peerings_between(a, e.vpc_id()) {
                if !out
                    .iter()
                    .any(|o| o.vpc_peering_connection_id == p.vpc_peering_connection_id)
                {
                    out.push(p);
                }
            }
        }
        out.sort_by_key(|p| peering_rank(p));
        out
    }

    /// What carries the request between the client VPC and the endpoint VPC: a
    /// transit gateway when the client's route table sends the endpoint there, or when
    /// both VPCs are attached and no peering joins them; else the peering (none found
    /// is `Peering` too: peering-active says so).
    pub fn carrier(&self) -> Carrier<'a> {
        if self.endpoint.is_none() || self.same_vpc() {
            return Carrier::SameVpc;
        }
        let tgw = self.routed_tgw.or(self.transit.map(|t| t.client.tgw_id()));
        // A deleted peering connection stays listed for a while: only a live one can
        // be what carries the request instead of the TGW.
        let live_peering = self.peerings().iter().any(|p| peering_alive(p));
        match (tgw, self.transit) {
            (Some(tgw), hop) if self.routed_tgw.is_some() || !live_peering => {
                Carrier::Transit { tgw, hop }
            }
            _ => Carrier::Peering,
        }
    }

    /// Whether client and endpoint share a VPC (no peering on the path).
    pub fn same_vpc(&self) -> bool {
        match (self.client.vpc_id, &self.endpoint) {
            (Some(a), Some(e)) => a == e.vpc_id() && std::ptr::eq(self.client_ix, e.ix),
            _ => false,
        }
    }

    /// A VPC's IPv4 CIDRs as its own scope records them, else as a peering connection on
    /// the path reports them (the other account's VPCs are invisible without its
    /// credentials; DescribeVpcPeeringConnections shows their CIDRs once active).
    pub fn vpc_cidrs(&self, home: &Index<'a>, vpc_id: &str) -> Vec<crate::net::Cidr> {
        let own = home.vpc_cidrs(vpc_id);
        if !own.is_empty() {
            return own;
        }
        self.scopes()
            .into_iter()
            .map(|ix| ix.vpc_cidrs(vpc_id))
            .find(|c| !c.is_empty())
            .unwrap_or_default()
    }

    /// The endpoint's link to the API, when it has one.
    pub fn endpoint_links(&self) -> &[EndpointLink] {
        match &self.endpoint {
            Some(e) => self
                .endpoint_refs
                .iter()
                .find(|r| r.id == e.id())
                .map_or(&[], |r| r.links.as_slice()),
            None => &[],
        }
    }

    /// The API's account, when known.
    pub fn api_account(&self) -> Option<&'a str> {
        self.api_scope.account.as_deref()
    }

    /// The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition(&self) -> &'static str {
        if self.region.starts_with("cn-") {
            "aws-cn"
        } else if self.region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }
}

pub fn execute_api_service(region: &str) -> String {
    format!("com.amazonaws.{region}.execute-api")
}

/// Records found with the scope that holds each.
type Found<'s, 'a, T> = Vec<(&'s Index<'a>, &'a T)>;

/// Every (scope, record) the side's filter admits, in snapshot order, and whether any
/// admitted scope collected the array at all.
fn candidates<'s, 'a, T>(
    ix: &'s SnapshotIndex<'a>,
    filter: &ScopeFilter,
    side: &'static str,
    records: impl Fn(&'a Scope) -> Option<&'a [T]>,
) -> Result<(bool, Found<'s, 'a, T>), ResolveError> {
    if !ix.scopes.iter().any(|i| filter.admits(i.scope)) {
        let wanted: Vec<&str> = filter
            .account
            .iter()
            .chain(filter.region.iter())
            .map(String::as_str)
            .collect();
        return Err(ResolveError::NoScopeThere {
            side,
            wanted: wanted.join("/"),
            found: ix
                .scopes
                .iter()
                .map(|i| i.scope.label())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let mut collected = false;
    let mut out = Vec::new();
    for scope_ix in ix.scopes.iter().filter(|i| filter.admits(i.scope)) {
        if let Some(list) = records(scope_ix.scope) {
            collected = true;
            out.extend(list.iter().map(|r| (scope_ix, r)));
        }
    }
    Ok((collected, out))
}

fn scope_list<'a, T>(found: &[(&Index<'a>, T)]) -> String {
    found
        .iter()
        .map(|(i, _)| i.scope.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn pick_instance<'s, 'a>(
    ix: &'s SnapshotIndex<'a>,
    target: &Target,
) -> Result<(&'s Index<'a>, &'a Instance), ResolveError> {
    // An audit names the scope and the id: one lookup, not a scan of the estate.
    if let (Some(scope), Some(id)) = (ix.pinned(&target.client_scope), &target.instance_id) {
        if let Some(i) = scope.instances.get(id.as_str()) {
            return Ok((scope, *i));
        }
    }
    let (collected, all) = candidates(ix, &target.client_scope, "client instance", |s| {
        s.instances.as_deref()
    })?;
    if !collected {
        return Err(ResolveError::MissingSource {
            array: Source::Instances,
            what: "the client instance",
        });
    }
    let many_scopes = ix.scopes.len() > 1;
    let ids = || {
        all.iter()
            .map(move |(s, i)| (i.instance_id.as_str(), many_scopes.then(|| s.scope.label())))
    };
    match target.instance_id.as_deref() {
        Some(id) => {
            let found: Vec<_> = all.iter().filter(|(_, i)| i.instance_id == id).collect();
            match found.as_slice() {
                [(scope, i)] => Ok((*scope, *i)),
                [] => Err(ResolveError::InstanceNotFound {
                    id: id.to_string(),
                    found: list_ids(ids()),
                    audit: AuditHint(many_scopes),
                }),
                many => Err(ResolveError::InstanceInSeveralScopes {
                    id: id.to_string(),
                    found: scope_list(&many.iter().map(|x| (x.0, ())).collect::<Vec<_>>()),
                }),
            }
        }
        None => match all.as_slice() {
            [] => Err(ResolveError::NoInstance),
            [(scope, only)] => Ok((*scope, *only)),
            many => Err(ResolveError::AmbiguousInstance {
                count: many.len(),
                found: list_ids(ids()),
                audit: AuditHint(many_scopes),
            }),
        },
    }
}

fn pick_api<'s, 'a>(
    ix: &'s SnapshotIndex<'a>,
    target: &Target,
) -> Result<(&'s Index<'a>, &'a RestApi), ResolveError> {
    if let (Some(scope), Some(id)) = (ix.pinned(&target.api_scope), &target.api_id) {
        if let Some(a) = scope.rest_apis.get(id.as_str()) {
            return Ok((scope, *a));
        }
    }
    let (collected, apis) = candidates(ix, &target.api_scope, "API", |s| s.rest_apis.as_deref())?;
    if !collected {
        return Err(ResolveError::MissingSource {
            array: Source::RestApis,
            what: "the REST API",
        });
    }
    let many_scopes = ix.scopes.len() > 1;
    let place = |s: &Index<'_>| many_scopes.then(|| s.scope.label());
    match target.api_id.as_deref() {
        Some(id) => {
            let found: Vec<_> = apis.iter().filter(|(_, a)| a.id == id).collect();
            match found.as_slice() {
                [(scope, a)] => Ok((*scope, *a)),
                [] => Err(ResolveError::ApiNotFound {
                    id: id.to_string(),
                    found: if apis.is_empty() {
                        "no REST API".to_string()
                    } else {
                        let described: Vec<(String, Option<String>)> = apis
                            .iter()
                            .map(|(s, a)| (format!("{} ({})", a.id, a.endpoint_types()), place(s)))
                            .collect();
                        list_ids(described.iter().map(|(d, s)| (d.as_str(), s.clone())))
                    },
                    audit: AuditHint(many_scopes),
                }),
                many => Err(ResolveError::ApiInSeveralScopes {
                    id: id.to_string(),
                    found: scope_list(&many.iter().map(|x| (x.0, ())).collect::<Vec<_>>()),
                }),
            }
        }
        None => {
            let private: Vec<_> = apis.iter().filter(|(_, a)| a.is_private()).collect();
            match (private.as_slice(), apis.as_slice()) {
                ([(scope, only)], _) => Ok((*scope, *only)),
                // The account's only API is not private: check it, so that
                // api-private-endpoint can say so rather than the run failing.
                ([], [(scope, only)]) => Ok((*scope, *only)),
                ([], _) => Err(ResolveError::NoPrivateApi {
                    found: list_ids(apis.iter().map(|(s, a)| (a.id.as_str(), place(s)))),
                }),
                (many, _) => Err(ResolveError::AmbiguousApi {
                    count: many.len(),
                    found: list_ids(many.iter().map(|(s, a)| (a.id.as_str(), place(s)))),
                    audit: AuditHint(many_scopes),
                }),
            }
        }
    }
}

fn resolve_client<'a>(ix: &Index<'a>, instance: &'a Instance) -> Client<'a> {
    let subnet = instance
        .subnet_id
        .as_deref()
        .and_then(|id| ix.subnets.get(id).copied());
    let vpc_id = instance
        .vpc_id
        .as_deref()
        .or_else(|| subnet.map(|s| s.vpc_id.as_str()));
    let route_table = match (instance.subnet_id.as_deref(), vpc_id) {
        (Some(s), Some(v)) => ix.effective_route_table(s, v),
        _ => None,
    };
    let group_ids: Vec<&str> = instance
        .security_groups
        .iter()
        .map(|g| g.group_id.as_str())
        .collect();
    let security_groups = group_ids
        .iter()
        .filter_map(|id| ix.security_groups.get(id).copied())
        .collect();
    let network_acl = instance
        .subnet_id
        .as_deref()
        .and_then(|s| ix.network_acls_by_subnet.get(s).copied());
    Client {
        instance,
        subnet,
        vpc_id,
        route_table,
        group_ids,
        security_groups,
        network_acl,
        private_ip: instance.private_ip_address.as_deref().and_then(parse_ipv4),
    }
}

/// The first of `scopes` holding the endpoint.
fn find_endpoint<'a>(
    scopes: &[&'a Index<'a>],
    id: &str,
) -> Option<(&'a Index<'a>, &'a VpcEndpoint)> {
    scopes
        .iter()
        .find_map(|ix| ix.endpoints.get(id).map(|e| (*ix, *e)))
}

fn add_ref<'a>(
    refs: &mut Vec<EndpointRef<'a>>,
    scopes: &[&'a Index<'a>],
    id: &str,
    link: EndpointLink,
) {
    match refs.iter_mut().find(|r| r.id == id) {
        Some(r) if !r.links.contains(&link) => r.links.push(link),
        Some(_) => {}
        None => refs.push(EndpointRef {
            id: id.to_string(),
            links: vec![link],
            record: find_endpoint(scopes, id),
        }),
    }
}

pub(crate) fn endpoint_refs<'a>(
    scopes: &[&'a Index<'a>],
    api: &RestApi,
    policy: &PolicyState,
    service: &str,
) -> Vec<EndpointRef<'a>> {
    let mut refs: Vec<EndpointRef> = Vec::new();
    for id in api.associated_endpoint_ids() {
        add_ref(&mut refs, scopes, id, EndpointLink::Associated);
    }
    if let PolicyState::Present(doc) = policy {
        for id in policy::allowed_literal_values(doc, "aws:SourceVpce") {
            add_ref(&mut refs, scopes, id, EndpointLink::PolicySourceVpce);
        }
        for vpc in policy::allowed_condition_values(doc, "aws:SourceVpc") {
            for ix in scopes {
                for e in ix.endpoints_by_vpc.get(vpc).into_iter().flatten() {
                    if e.service_name == service {
                        add_ref(
                            &mut refs,
                            scopes,
                            &e.vpc_endpoint_id,
                            EndpointLink::PolicySourceVpc,
                        );
                    }
                }
            }
        }
    }
    if refs.is_empty() {
        for ix in scopes {
            let mut unlinked: Vec<&VpcEndpoint> = ix
                .endpoints
                .values()
                .copied()
                .filter(|e| e.service_name == service)
                .collect();
            unlinked.sort_by(|a, b| a.vpc_endpoint_id.cmp(&b.vpc_endpoint_id));
            for e in unlinked {
                add_ref(
                    &mut refs,
                    scopes,
                    &e.vpc_endpoint_id,
                    EndpointLink::Unlinked,
                );
            }
        }
    }
    refs
}

/// The endpoint the client will use: among the execute-api interface endpoints tied to
/// the API, prefer an available one, then one the client can reach without peering,
/// then one in a VPC peered with the client's, then one associated with the API.
fn pick_endpoint<'a>(
    ix: &'a SnapshotIndex<'a>,
    client_ix: &'a Index<'a>,
    client: &Client<'a>,
    refs: &[EndpointRef<'a>],
    service: &str,
) -> Option<(&'a Index<'a>, &'a VpcEndpoint)> {
    refs.iter()
        .filter_map(|r| r.record)
        .filter(|(_, e)| e.is_interface() && e.service_name == service)
        .enumerate()
        .max_by_key(|(order, (e_ix, e))| {
            let same_vpc =
                client.vpc_id == Some(e.vpc_id.as_str()) && std::ptr::eq(*e_ix, client_ix);
            let peered = client.vpc_id.is_some_and(|v| {
                !client_ix.peerings_between(v, &e.vpc_id).is_empty()
                    || !e_ix.peerings_between(v, &e.vpc_id).is_empty()
                    || transit::locate(ix, client_ix, v, e_ix, &e.vpc_id, None).is_some()
            });
            let associated = refs
                .iter()
                .any(|r| r.id == e.vpc_endpoint_id && r.links.contains(&EndpointLink::Associated));
            // Earlier refs win ties, so the choice is stable.
            (
                e.is_available(),
                same_vpc,
                peered,
                associated,
                std::cmp::Reverse(*order),
            )
        })
        .map(|(_, found)| found)
}

fn resolve_endpoint<'a>(ix: &'a Index<'a>, e: &'a VpcEndpoint) -> EndpointHop<'a> {
    let subnets = e
        .subnet_ids
        .iter()
        .map(|id| EndpointSubnet {
            id,
            subnet: ix.subnets.get(id.as_str()).copied(),
            route_table: ix.effective_route_table(id, &e.vpc_id),
        })
        .collect();
    let mut security_groups = Vec::new();
    let mut missing_groups = Vec::new();
    for g in &e.groups {
        match ix.security_groups.get(g.group_id.as_str()) {
            Some(sg) => security_groups.push(*sg),
            None => missing_groups.push(g.group_id.as_str()),
        }
    }
    EndpointHop {
        ix,
        endpoint: e,
        subnets,
        security_groups,
        missing_groups,
    }
}
