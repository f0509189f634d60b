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
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("the snapshot has no {array} array, so {what} cannot be found (a live run needs {action})", action = array.iam_action())]
    MissingSource { array: Source, what: &'static str },
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
}

fn list_ids<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.collect();
    if ids.is_empty() {
        "none".to_string()
    } else {
        ids.join(", ")
    }
}

/// Id → record maps over the snapshot.
#[derive(Default)]
pub struct Index<'a> {
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
}

fn len<T>(v: &Option<Vec<T>>) -> usize {
    v.as_ref().map_or(0, Vec::len)
}

impl<'a> Index<'a> {
    pub fn build(s: &'a Snapshot) -> Index<'a> {
        // Sized up front: growing a map rehashes every key, and on large snapshots
        // those extra passes over scattered records dominate evaluation time.
        let mut ix = Index {
            vpcs: HashMap::with_capacity(len(&s.vpcs)),
            subnets: HashMap::with_capacity(len(&s.subnets)),
            route_tables_by_subnet: HashMap::with_capacity(len(&s.subnets)),
            main_route_table_by_vpc: HashMap::with_capacity(len(&s.vpcs)),
            security_groups: HashMap::with_capacity(len(&s.security_groups)),
            network_acls_by_subnet: HashMap::with_capacity(len(&s.subnets)),
            endpoints: HashMap::with_capacity(len(&s.vpc_endpoints)),
            endpoints_by_vpc: HashMap::with_capacity(len(&s.vpcs)),
            instance_information: HashMap::with_capacity(len(&s.instance_information_list)),
            ..Index::default()
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
        for i in s.instance_information_list.iter().flatten() {
            ix.instance_information.insert(&i.instance_id, i);
        }
        for p in s.instance_profiles.iter().flatten() {
            ix.instance_profiles.insert(&p.arn, p);
        }
        for r in s.role_detail_list.iter().flatten() {
            ix.roles.insert(&r.role_name, r);
        }
        ix
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
            .peerings
            .iter()
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

/// An endpoint id tied to the API, with its record when the snapshot has it.
pub struct EndpointRef<'a> {
    pub id: String,
    pub links: Vec<EndpointLink>,
    pub record: Option<&'a VpcEndpoint>,
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

pub struct ResolvedPath<'a> {
    pub snapshot: &'a Snapshot,
    pub index: Index<'a>,
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
}

impl<'a> ResolvedPath<'a> {
    pub fn resolve(
        snapshot: &'a Snapshot,
        target: &Target,
    ) -> Result<ResolvedPath<'a>, ResolveError> {
        let instance = pick_instance(snapshot, target.instance_id.as_deref())?;
        let api = pick_api(snapshot, target.api_id.as_deref())?;
        let index = Index::build(snapshot);
        let client = resolve_client(&index, instance);
        let policy = match &api.policy {
            None => PolicyState::Absent,
            Some(Value::String(s)) if s.trim().is_empty() => PolicyState::Absent,
            Some(raw) => match policy::decode_document(raw) {
                Ok(doc) => PolicyState::Present(doc),
                Err(e) => PolicyState::Malformed(e),
            },
        };
        let service = execute_api_service(&snapshot.region);
        let endpoint_refs = endpoint_refs(&index, api, &policy, &service);
        let endpoint = pick_endpoint(&index, &client, &endpoint_refs, &service)
            .map(|e| resolve_endpoint(&index, e));
        let method = MethodTarget::resolve(
            snapshot,
            api,
            target.stage.as_deref(),
            target.http_method.as_deref(),
            target.resource_path.as_deref(),
        );
        let backend = Backend::resolve(
            snapshot,
            method.method().and_then(|m| m.method_integration.as_ref()),
            target.db_instance_id.as_deref(),
        );
        Ok(ResolvedPath {
            snapshot,
            index,
            region: &snapshot.region,
            client,
            api,
            policy,
            endpoint_refs,
            endpoint,
            method,
            backend,
        })
    }

    /// The peering connections joining the client VPC and the endpoint VPC, active
    /// first; empty when they are the same VPC or either is unknown.
    pub fn peerings(&self) -> Vec<&'a VpcPeeringConnection> {
        match (self.client.vpc_id, &self.endpoint) {
            (Some(a), Some(e)) if a != e.vpc_id() => self.index.peerings_between(a, e.vpc_id()),
            _ => Vec::new(),
        }
    }

    /// Whether client and endpoint share a VPC (no peering on the path).
    pub fn same_vpc(&self) -> bool {
        matches!((self.client.vpc_id, &self.endpoint), (Some(a), Some(e)) if a == e.vpc_id())
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

    /// The VPC's DNS attributes, when collected.
    pub fn vpc_attribute(&self, vpc_id: &str) -> Option<&'a VpcAttribute> {
        self.snapshot
            .vpc_attributes
            .iter()
            .flatten()
            .find(|a| a.vpc_id == vpc_id)
    }

    /// A role's managed and inline policies as (name, decoded document); policies
    /// whose document is not in the snapshot are listed separately by ARN.
    pub fn role_policies(&self, role: &RoleDetail) -> (Vec<(String, Value)>, Vec<String>) {
        let mut docs = Vec::new();
        let mut missing = Vec::new();
        for p in &role.attached_managed_policies {
            if let Some(doc) = crate::known_policies::document(&p.policy_arn) {
                docs.push((p.policy_name.clone(), doc));
                continue;
            }
            let found = self
                .snapshot
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

fn pick_instance<'a>(s: &'a Snapshot, id: Option<&str>) -> Result<&'a Instance, ResolveError> {
    let instances = s.instances.as_deref().ok_or(ResolveError::MissingSource {
        array: Source::Instances,
        what: "the client instance",
    })?;
    let ids = || instances.iter().map(|i| i.instance_id.as_str());
    match id {
        Some(id) => instances
            .iter()
            .find(|i| i.instance_id == id)
            .ok_or_else(|| ResolveError::InstanceNotFound {
                id: id.to_string(),
                found: list_ids(ids()),
            }),
        None => match instances {
            [] => Err(ResolveError::NoInstance),
            [only] => Ok(only),
            many => Err(ResolveError::AmbiguousInstance {
                count: many.len(),
                found: list_ids(ids()),
            }),
        },
    }
}

fn pick_api<'a>(s: &'a Snapshot, id: Option<&str>) -> Result<&'a RestApi, ResolveError> {
    let apis = s.rest_apis.as_deref().ok_or(ResolveError::MissingSource {
        array: Source::RestApis,
        what: "the REST API",
    })?;
    let describe = |a: &RestApi| format!("{} ({})", a.id, a.endpoint_types());
    match id {
        Some(id) => apis
            .iter()
            .find(|a| a.id == id)
            .ok_or_else(|| ResolveError::ApiNotFound {
                id: id.to_string(),
                found: if apis.is_empty() {
                    "no REST API".to_string()
                } else {
                    apis.iter().map(describe).collect::<Vec<_>>().join(", ")
                },
            }),
        None => {
            let private: Vec<&RestApi> = apis.iter().filter(|a| a.is_private()).collect();
            match (private.as_slice(), apis) {
                ([only], _) => Ok(only),
                // The account's only API is not private: check it, so that
                // api-private-endpoint can say so rather than the run failing.
                ([], [only]) => Ok(only),
                ([], _) => Err(ResolveError::NoPrivateApi {
                    found: list_ids(apis.iter().map(|a| a.id.as_str())),
                }),
                (many, _) => Err(ResolveError::AmbiguousApi {
                    count: many.len(),
                    found: list_ids(many.iter().map(|a| a.id.as_str())),
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

fn add_ref<'a>(refs: &mut Vec<EndpointRef<'a>>, ix: &Index<'a>, id: &str, link: EndpointLink) {
    match refs.iter_mut().find(|r| r.id == id) {
        Some(r) if !r.links.contains(&link) => r.links.push(link),
        Some(_) => {}
        None => refs.push(EndpointRef {
            id: id.to_string(),
            links: vec![link],
            record: ix.endpoints.get(id).copied(),
        }),
    }
}

fn endpoint_refs<'a>(
    ix: &Index<'a>,
    api: &RestApi,
    policy: &PolicyState,
    service: &str,
) -> Vec<EndpointRef<'a>> {
    let mut refs: Vec<EndpointRef> = Vec::new();
    for id in api.associated_endpoint_ids() {
        add_ref(&mut refs, ix, id, EndpointLink::Associated);
    }
    if let PolicyState::Present(doc) = policy {
        for id in policy::allowed_literal_values(doc, "aws:SourceVpce") {
            add_ref(&mut refs, ix, id, EndpointLink::PolicySourceVpce);
        }
        for vpc in policy::allowed_condition_values(doc, "aws:SourceVpc") {
            for e in ix.endpoints_by_vpc.get(vpc).into_iter().flatten() {
                if e.service_name == service {
                    add_ref(
                        &mut refs,
                        ix,
                        &e.vpc_endpoint_id,
                        EndpointLink::PolicySourceVpc,
                    );
                }
            }
        }
    }
    if refs.is_empty() {
        let mut unlinked: Vec<&VpcEndpoint> = ix
            .endpoints
            .values()
            .copied()
            .filter(|e| e.service_name == service)
            .collect();
        unlinked.sort_by(|a, b| a.vpc_endpoint_id.cmp(&b.vpc_endpoint_id));
        for e in unlinked {
            add_ref(&mut refs, ix, &e.vpc_endpoint_id, EndpointLink::Unlinked);
        }
    }
    refs
}

/// The endpoint the client will use: among the execute-api interface endpoints tied to
/// the API, prefer an available one, then one the client can reach without peering,
/// then one in a VPC peered with the client's, then one associated with the API.
fn pick_endpoint<'a>(
    ix: &Index<'a>,
    client: &Client<'a>,
    refs: &[EndpointRef<'a>],
    service: &str,
) -> Option<&'a VpcEndpoint> {
    refs.iter()
        .filter_map(|r| r.record)
        .filter(|e| e.is_interface() && e.service_name == service)
        .enumerate()
        .max_by_key(|(order, e)| {
            let same_vpc = client.vpc_id == Some(e.vpc_id.as_str());
            let peered = client
                .vpc_id
                .is_some_and(|v| !ix.peerings_between(v, &e.vpc_id).is_empty());
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
        .map(|(_, e)| e)
}

fn resolve_endpoint<'a>(ix: &Index<'a>, e: &'a VpcEndpoint) -> EndpointHop<'a> {
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
        endpoint: e,
        subnets,
        security_groups,
        missing_groups,
    }
}
