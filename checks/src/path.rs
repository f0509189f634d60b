//! Path resolution: from the client instance and the API to every resource on the
//! request path. Lookups go through [`Index`], built once in linear time, so evaluation
//! stays linear in the snapshot's size.

use crate::api_target::MethodTarget;
use crate::backend::Backend;
use crate::net::{parse_ipv4, Cidr};
use crate::policy;
use crate::snapshot::*;
use serde_json::Value;
use std::collections::HashMap;
use thiserror::Error;

/// What to check: a client instance calling a private REST API. `None` means "the only
/// one in the snapshot".
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub api_id: Option<String>,
    pub instance_id: Option<String>,
    /// The stage the client calls; `None`: the API's only stage.
    pub stage: Option<String>,
    /// The HTTP method; `None`: POST.
    pub http_method: Option<String>,
    /// The resource path (`/orders`); `None`: the only resource with the method.
    pub resource_path: Option<String>,
    /// The database the function writes to; `None`: every DB instance in its VPC.
    pub db_instance_id: Option<String>,
    /// Where the instance is: `None` looks in every scope of the snapshot.
    pub client_scope: ScopeFilter,
    /// Where the API is: `None` looks in every scope of the snapshot.
    pub api_scope: ScopeFilter,
    /// Today (`YYYY-MM-DD`), for a snapshot that does not say when it was captured.
    pub today: Option<String>,
    /// The private custom domain name the client calls; `None`: the snapshot's only
    /// private domain name, if it holds any. Its base path mapping then gives the API
    /// and stage when they are not named.
    pub domain_name: Option<String>,
    /// The base path under the domain (`orders` in `https://NAME/orders/…`); `None`: the
    /// domain's only mapping (or its only one to the API), else the empty base path.
    pub base_path: Option<String>,
}

/// Narrows the scopes a side's record is looked for in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeFilter {
    pub account: Option<String>,
    pub region: Option<String>,
}

impl ScopeFilter {
    pub(crate) fn admits(&self, scope: &Scope) -> bool {
        self.region.as_ref().is_none_or(|r| *r == scope.region)
            && match (&self.account, &scope.account) {
                (Some(want), Some(have)) => want == have,
                _ => true,
            }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("the snapshot has no {array} array, so {what} cannot be found (a live run needs {action})", action = array.iam_action())]
    MissingSource { array: Source, what: &'static str },
    #[error("instance {id} is in several scopes of the snapshot ({found}); choose one with --client-region")]
    InstanceInSeveralScopes { id: String, found: String },
    #[error(
        "REST API {id} is in several scopes of the snapshot ({found}); choose one with --region"
    )]
    ApiInSeveralScopes { id: String, found: String },
    #[error("the snapshot holds no scope in {wanted} for the {side} (its scopes: {found})")]
    NoScopeThere {
        side: &'static str,
        wanted: String,
        found: String,
    },
    #[error("instance {id} is not in the snapshot; it holds {found}")]
    InstanceNotFound { id: String, found: String },
    #[error("the snapshot holds no EC2 instance")]
    NoInstance,
    #[error("the snapshot holds {count} instances ({found}); choose one with --instance-id")]
    AmbiguousInstance { count: usize, found: String },
    #[error("REST API {id} is not in the snapshot; it holds {found}")]
    ApiNotFound { id: String, found: String },
    #[error("the snapshot holds no PRIVATE REST API (found {found}); name one with --api-id")]
    NoPrivateApi { found: String },
    #[error("the snapshot holds {count} PRIVATE REST APIs ({found}); choose one with --api-id")]
    AmbiguousApi { count: usize, found: String },
    #[error("the snapshot holds {count} private custom domain names ({found}); choose one with --domain-name")]
    AmbiguousDomain { count: usize, found: String },
}

fn list_ids<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.collect();
    if ids.is_empty() {
        "none".to_string()
    } else {
        ids.join(", ")
    }
}

/// Id → record maps over one scope of the snapshot: ids are unique only within a scope.
pub struct Index<'a> {
    pub scope: &'a Scope,
    /// Where the scope is in the snapshot's `scopes`.
    pub position: usize,
    pub vpcs: HashMap<&'a str, &'a Vpc>,
    pub subnets: HashMap<&'a str, &'a Subnet>,
    pub route_tables_by_subnet: HashMap<&'a str, &'a RouteTable>,
    pub main_route_table_by_vpc: HashMap<&'a str, &'a RouteTable>,
    pub security_groups: HashMap<&'a str, &'a SecurityGroup>,
    pub network_acls_by_subnet: HashMap<&'a str, &'a NetworkAcl>,
    pub endpoints: HashMap<&'a str, &'a VpcEndpoint>,
    pub endpoints_by_vpc: HashMap<&'a str, Vec<&'a VpcEndpoint>>,
    pub peerings: Vec<&'a VpcPeeringConnection>,
    pub instance_information: HashMap<&'a str, &'a InstanceInformation>,
    pub instance_profiles: HashMap<&'a str, &'a InstanceProfile>,
    pub roles: HashMap<&'a str, &'a RoleDetail>,
    pub vpc_attributes: HashMap<&'a str, &'a VpcAttribute>,
    pub instances: HashMap<&'a str, &'a Instance>,
    pub instances_by_vpc: HashMap<&'a str, Vec<&'a Instance>>,
    pub rest_apis: HashMap<&'a str, &'a RestApi>,
    /// Peering connections by the VPC at either end.
    pub peerings_by_vpc: HashMap<&'a str, Vec<&'a VpcPeeringConnection>>,
    /// Every id this scope holds a record for, so a fix can name where it must run.
    owned: std::collections::HashSet<&'a str>,
}

/// One [`Index`] per scope, built once per snapshot and shared by every path resolved
/// over it.
pub struct SnapshotIndex<'a> {
    pub snapshot: &'a Snapshot,
    pub scopes: Vec<Index<'a>>,
    /// `ACCOUNT/REGION` → position in `scopes`.
    by_label: HashMap<String, usize>,
}

impl<'a> SnapshotIndex<'a> {
    pub fn build(snapshot: &'a Snapshot) -> SnapshotIndex<'a> {
        let scopes: Vec<Index<'a>> = snapshot
            .scopes
            .iter()
            .enumerate()
            .map(|(i, s)| Index {
                position: i,
                ..Index::build(s)
            })
            .collect();
        let by_label = scopes
            .iter()
            .enumerate()
            .map(|(i, ix)| (ix.scope.label(), i))
            .collect();
        SnapshotIndex {
            snapshot,
            scopes,
            by_label,
        }
    }

    /// The scope of an account and region, when the snapshot holds it. An unknown
    /// account matches a scope of that region without one, or the only one there.
    pub fn scope(&self, account: Option<&str>, region: &str) -> Option<&Index<'a>> {
        if let Some(a) = account {
            if let Some(i) = self.by_label.get(&format!("{a}/{region}")) {
                return Some(&self.scopes[*i]);
            }
        }
        self.scopes.iter().find(|ix| {
            ix.scope.region == region
                && match (account, ix.scope.account.as_deref()) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        })
    }

    /// The one scope a filter naming both account and region pins, if any.
    pub(crate) fn pinned(&self, filter: &ScopeFilter) -> Option<&Index<'a>> {
        match (&filter.account, &filter.region) {
            (Some(a), Some(r)) => self
                .by_label
                .get(&format!("{a}/{r}"))
                .map(|i| &self.scopes[*i]),
            _ => None,
        }
    }
}

fn len<T>(v: &Option<Vec<T>>) -> usize {
    v.as_ref().map_or(0, Vec::len)
}

impl<'a> Index<'a> {
    pub fn build(s: &'a Scope) -> Index<'a> {
        // Sized up front: growing a map rehashes every key, and on large snapshots
        // those extra passes over scattered records dominate evaluation time.
        let mut ix = Index {
            scope: s,
            position: 0,
            vpcs: HashMap::with_capacity(len(&s.vpcs)),
            subnets: HashMap::with_capacity(len(&s.subnets)),
            route_tables_by_subnet: HashMap::with_capacity(len(&s.subnets)),
            main_route_table_by_vpc: HashMap::with_capacity(len(&s.vpcs)),
            security_groups: HashMap::with_capacity(len(&s.security_groups)),
            network_acls_by_subnet: HashMap::with_capacity(len(&s.subnets)),
            endpoints: HashMap::with_capacity(len(&s.vpc_endpoints)),
            endpoints_by_vpc: HashMap::with_capacity(len(&s.vpcs)),
            instance_information: HashMap::with_capacity(len(&s.instance_information_list)),
            peerings: Vec::new(),
            instance_profiles: HashMap::new(),
            roles: HashMap::new(),
            vpc_attributes: HashMap::with_capacity(len(&s.vpc_attributes)),
            instances: HashMap::with_capacity(len(&s.instances)),
            instances_by_vpc: HashMap::new(),
            rest_apis: HashMap::with_capacity(len(&s.rest_apis)),
            peerings_by_vpc: HashMap::new(),
            owned: std::collections::HashSet::new(),
        };
        for v in s.vpcs.iter().flatten() {
            ix.vpcs.insert(&v.vpc_id, v);
        }
        for sn in s.subnets.iter().flatten() {
            ix.subnets.insert(&sn.subnet_id, sn);
        }
        for rt in s.route_tables.iter().flatten() {
            for a in &rt.associations {
                if a.main {
                    ix.main_route_table_by_vpc.insert(&rt.vpc_id, rt);
                } else if let Some(subnet) = &a.subnet_id {
                    ix.route_tables_by_subnet.insert(subnet, rt);
                }
            }
        }
        for g in s.security_groups.iter().flatten() {
            ix.security_groups.insert(&g.group_id, g);
        }
        for acl in s.network_acls.iter().flatten() {
            for a in &acl.associations {
                ix.network_acls_by_subnet.insert(&a.subnet_id, acl);
            }
        }
        for e in s.vpc_endpoints.iter().flatten() {
            ix.endpoints.insert(&e.vpc_endpoint_id, e);
            ix.endpoints_by_vpc.entry(&e.vpc_id).or_default().push(e);
        }
        ix.peerings = s.vpc_peering_connections.iter().flatten().collect();
        for p in &ix.peerings {
            let ends = [&p.requester_vpc_info, &p.accepter_vpc_info];
            let vpcs = ends
                .into_iter()
                .flatten()
                .filter_map(|i| i.vpc_id.as_deref());
            for (n, vpc) in vpcs.enumerate() {
                let list = ix.peerings_by_vpc.entry(vpc).or_default();
                // A connection of a VPC with itself is listed once.
                if n == 0 || !list.iter().any(|x| std::ptr::eq(*x, *p)) {
                    list.push(p);
                }
            }
        }
        for i in s.instances.iter().flatten() {
            ix.instances.insert(&i.instance_id, i);
            if let Some(vpc) = i.vpc_id.as_deref() {
                ix.instances_by_vpc.entry(vpc).or_default().push(i);
            }
        }
        for a in s.rest_apis.iter().flatten() {
            ix.rest_apis.insert(&a.id, a);
        }
        for i in s.instance_information_list.iter().flatten() {
            ix.instance_information.insert(&i.instance_id, i);
        }
        for p in s.instance_profiles.iter().flatten() {
            ix.instance_profiles.insert(&p.arn, p);
        }
        for r in s.role_detail_list.iter().flatten() {
            ix.roles.insert(&r.role_name, r);
        }
        for a in s.vpc_attributes.iter().flatten() {
            ix.vpc_attributes.insert(&a.vpc_id, a);
        }
        ix.owned = ix
            .vpcs
            .keys()
            .chain(ix.subnets.keys())
            .chain(ix.security_groups.keys())
            .chain(ix.endpoints.keys())
            .copied()
            .chain(
                s.route_tables
                    .iter()
                    .flatten()
                    .map(|r| r.route_table_id.as_str()),
            )
            .chain(
                s.network_acls
                    .iter()
                    .flatten()
                    .map(|a| a.network_acl_id.as_str()),
            )
            .chain(s.instances.iter().flatten().map(|i| i.instance_id.as_str()))
            .chain(s.rest_apis.iter().flatten().map(|a| a.id.as_str()))
            .chain(
                s.functions
                    .iter()
                    .flatten()
                    .map(|f| f.function_name.as_str()),
            )
            .chain(
                s.db_instances
                    .iter()
                    .flatten()
                    .map(|d| d.db_instance_identifier.as_str()),
            )
            // IAM names: the instance role is the client account's, the function's
            // role the API account's, and a fix must say which.
            .chain(
                s.role_detail_list
                    .iter()
                    .flatten()
                    .map(|r| r.role_name.as_str()),
            )
            .chain(
                s.instance_profiles
                    .iter()
                    .flatten()
                    .map(|p| p.instance_profile_name.as_str()),
            )
            .collect();
        ix
    }

    /// Whether this scope holds a record with this id.
    pub fn owns(&self, id: &str) -> bool {
        self.owned.contains(id)
    }

    /// The VPC's DNS attributes, when collected.
    pub fn vpc_attribute(&self, vpc_id: &str) -> Option<&'a VpcAttribute> {
        self.vpc_attributes.get(vpc_id).copied()
    }

    /// A role's managed and inline policies as (name, decoded document); policies
    /// whose document is not in this scope are listed separately by ARN.
    pub fn role_policies(&self, role: &RoleDetail) -> (Vec<(String, Value)>, Vec<String>) {
        let mut docs = Vec::new();
        let mut missing = Vec::new();
        for p in &role.attached_managed_policies {
            if let Some(doc) = crate::known_policies::document(&p.policy_arn) {
                docs.push((p.policy_name.clone(), doc));
                continue;
            }
            let found = self
                .scope
                .policies
                .iter()
                .flatten()
                .find(|m| m.arn == p.policy_arn)
                .and_then(|m| m.default_document())
                .and_then(|d| policy::decode_document(d).ok());
            match found {
                Some(doc) => docs.push((p.policy_name.clone(), doc)),
                None => missing.push(p.policy_arn.clone()),
            }
        }
        for p in &role.role_policy_list {
            match policy::decode_document(&p.policy_document) {
                Ok(doc) => docs.push((format!("inline policy {}", p.policy_name), doc)),
                Err(_) => missing.push(format!("inline policy {}", p.policy_name)),
            }
        }
        (docs, missing)
    }

    /// The route table a subnet uses: its explicit association, else its VPC's main
    /// table. The flag says which.
    pub fn effective_route_table(
        &self,
        subnet_id: &str,
        vpc_id: &str,
    ) -> Option<(&'a RouteTable, bool)> {
        if let Some(rt) = self.route_tables_by_subnet.get(subnet_id) {
            return Some((rt, true));
        }
        self.main_route_table_by_vpc
            .get(vpc_id)
            .map(|rt| (*rt, false))
    }

    /// Every IPv4 CIDR of a VPC: the VPC record's associated blocks, else what a
    /// peering connection reports for it.
    pub fn vpc_cidrs(&self, vpc_id: &str) -> Vec<Cidr> {
        let mut out = Vec::new();
        if let Some(vpc) = self.vpcs.get(vpc_id) {
            for assoc in &vpc.cidr_block_association_set {
                let live = assoc
                    .cidr_block_state
                    .as_ref()
                    .is_none_or(|s| s.state.is_empty() || s.state == "associated");
                if live {
                    out.extend(Cidr::parse(&assoc.cidr_block));
                }
            }
            if out.is_empty() {
                out.extend(vpc.cidr_block.as_deref().and_then(Cidr::parse));
            }
        }
        if out.is_empty() {
            for p in &self.peerings {
                for info in [&p.requester_vpc_info, &p.accepter_vpc_info]
                    .into_iter()
                    .flatten()
                {
                    if info.vpc_id.as_deref() == Some(vpc_id) {
                        out.extend(
                            info.cidr_block_set
                                .iter()
                                .filter_map(|c| Cidr::parse(&c.cidr_block)),
                        );
                        if out.is_empty() {
                            out.extend(info.cidr_block.as_deref().and_then(Cidr::parse));
                        }
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Peering connections joining two VPCs, either way round, active ones first.
    pub fn peerings_between(&self, a: &str, b: &str) -> Vec<&'a VpcPeeringConnection> {
        let mut out: Vec<&VpcPeeringConnection> = self
            .peerings_by_vpc
            .get(a)
            .into_iter()
            .flatten()
            .copied()
            .filter(|p| {
                let r = p
                    .requester_vpc_info
                    .as_ref()
                    .and_then(|i| i.vpc_id.as_deref());
                let c = p
                    .accepter_vpc_info
                    .as_ref()
                    .and_then(|i| i.vpc_id.as_deref());
                (r == Some(a) && c == Some(b)) || (r == Some(b) && c == Some(a))
            })
            .collect();
        out.sort_by_key(|p| peering_rank(p));
        out
    }
}

/// Which of several connections between the same VPCs matters most: an active one,
/// else one still on its way to active, else a dead one (deleted, rejected, …).
fn peering_rank(p: &VpcPeeringConnection) -> u8 {
    match peering_status(p) {
        "active" => 0,
        "pending-acceptance" | "provisioning" | "initiating-request" => 1,
        _ => 2,
    }
}

pub fn is_active(p: &VpcPeeringConnection) -> bool {
    p.status.as_ref().is_some_and(|s| s.code == "active")
}

/// Whether a connection in this state carries, or is on its way to carrying, traffic:
/// a path an audit checks (deleted, rejected, failed and expired ones are not).
pub fn peering_alive(p: &VpcPeeringConnection) -> bool {
    matches!(
        peering_status(p),
        "active" | "pending-acceptance" | "provisioning" | "initiating-request"
    )
}

pub fn peering_status(p: &VpcPeeringConnection) -> &str {
    p.status.as_ref().map_or("unknown", |s| s.code.as_str())
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
    /// The snapshot holds several scopes (an audit, or a path across accounts).
    pub many_scopes: bool,
    /// The day the data describes (`YYYY-MM-DD`): when the snapshot was captured, else
    /// the target's `today`. Dated checks (runtime deprecations) judge against it.
    pub as_of: Option<String>,
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
        let endpoint = pick_endpoint(client_ix, &client, &endpoint_refs, &service)
            .map(|(e_ix, e)| resolve_endpoint(e_ix, e));
        let method = MethodTarget::resolve(
            api_scope,
            api,
            target.stage.as_deref(),
            target.http_method.as_deref(),
            target.resource_path.as_deref(),
        );
        let backend = Backend::resolve(
            api_scope,
            method.method().and_then(|m| m.method_integration.as_ref()),
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
            many_scopes: ix.scopes.len() > 1,
            as_of: ix
                .snapshot
                .captured_at
                .as_deref()
                .and_then(|t| t.get(..10))
                .map(str::to_string)
                .or_else(|| target.today.clone()),
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
    let ids = || all.iter().map(|(_, i)| i.instance_id.as_str());
    match target.instance_id.as_deref() {
        Some(id) => {
            let found: Vec<_> = all.iter().filter(|(_, i)| i.instance_id == id).collect();
            match found.as_slice() {
                [(scope, i)] => Ok((*scope, *i)),
                [] => Err(ResolveError::InstanceNotFound {
                    id: id.to_string(),
                    found: list_ids(ids()),
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
    let describe = |a: &RestApi| format!("{} ({})", a.id, a.endpoint_types());
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
                        apis.iter()
                            .map(|(_, a)| describe(a))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
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
                    found: list_ids(apis.iter().map(|(_, a)| a.id.as_str())),
                }),
                (many, _) => Err(ResolveError::AmbiguousApi {
                    count: many.len(),
                    found: list_ids(many.iter().map(|(_, a)| a.id.as_str())),
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
    client_ix: &'a Index<'a>,
    client: &Client<'a>,
    refs: &[EndpointRef<'a>],
    service: &str,
) -> Option<(&'a Index<'a>, &'a VpcEndpoint)> {
    refs.iter()
        .filter_map(|r| r.record)
        .filter(|(_, e)| e.is_interface() && e.service_name == service)
        .enumerate()
        .max_by_key(|(order, (ix, e))| {
            let same_vpc = client.vpc_id == Some(e.vpc_id.as_str()) && std::ptr::eq(*ix, client_ix);
            let peered = client.vpc_id.is_some_and(|v| {
                !client_ix.peerings_between(v, &e.vpc_id).is_empty()
                    || !ix.peerings_between(v, &e.vpc_id).is_empty()
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
