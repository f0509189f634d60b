//! Lookups over a snapshot: per scope, id → record maps built once in linear time, so
//! that resolving a path (or thousands of them in an audit) never scans the estate.

use crate::dns_name::{bare_zone_id, normalise};
use crate::net::Cidr;
use crate::policy;
use crate::policy_eval::{grants_all, ActionsGrant};
use crate::snapshot::*;
use crate::target::ScopeFilter;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;

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
    /// Transit gateways, their VPC attachments (by VPC), the attachments' records with
    /// their route table association (by attachment id), TGW peerings (by either TGW),
    /// and TGW routes (by route table).
    pub transit_gateways: HashMap<&'a str, &'a TransitGateway>,
    pub tgw_attachments_by_vpc: HashMap<&'a str, Vec<&'a TransitGatewayVpcAttachment>>,
    pub tgw_attachment_records: HashMap<&'a str, &'a TransitGatewayAttachment>,
    pub tgw_peerings_by_tgw: HashMap<&'a str, Vec<&'a TransitGatewayPeeringAttachment>>,
    pub tgw_routes_by_table: HashMap<&'a str, Vec<&'a TransitGatewayRoute>>,
    /// VPC Block Public Access exclusions in force, by the VPC or subnet they exempt.
    pub bpa_exclusions: HashMap<&'a str, Vec<&'a VpcBlockPublicAccessExclusion>>,
    /// A private integration's records: VPC links (V1 and V2) by id, load balancers by
    /// ARN, listeners and target groups by their load balancer's ARN, targets' health
    /// by target group, and network interfaces by the instance they are attached to and
    /// by address.
    pub vpc_links: HashMap<&'a str, &'a VpcLink>,
    pub vpc_links_v2: HashMap<&'a str, &'a VpcLinkV2>,
    pub load_balancers: HashMap<&'a str, &'a LoadBalancer>,
    pub listeners_by_lb: HashMap<&'a str, Vec<&'a Listener>>,
    pub target_groups: HashMap<&'a str, &'a TargetGroup>,
    pub target_health_by_tg: HashMap<&'a str, Vec<&'a TargetHealthDescription>>,
    pub enis_by_instance: HashMap<&'a str, Vec<&'a NetworkInterface>>,
    pub enis_by_address: HashMap<&'a str, &'a NetworkInterface>,
    /// An audit's view the other way round: the TGW route tables with a live route to
    /// an attachment (by attachment id), and the attachments' records associated with
    /// a route table (by table id).
    pub tgw_tables_routing_to: HashMap<&'a str, Vec<&'a str>>,
    pub tgw_attachments_by_table: HashMap<&'a str, Vec<&'a TransitGatewayAttachment>>,
    /// The API account's records by what a path looks them up by, so that resolving one
    /// path costs the same in an account of one API as in one of hundreds.
    pub api_records: ApiRecords<'a>,
    /// Custom domain names' records and the Route 53 records that answer them, by what
    /// a path through a domain looks them up by.
    pub domain_records: DomainRecords<'a>,
    /// Customer managed policies by ARN.
    pub policies: HashMap<&'a str, &'a ManagedPolicy>,
    /// What a role grants of a fixed list of actions, worked out once per role: an
    /// audit asks it of the same instance role for thousands of instances.
    role_grants: Mutex<HashMap<(String, usize), ActionsGrant<'static>>>,
    /// Every id this scope holds a record for, so a fix can name where it must run.
    owned: std::collections::HashSet<&'a str>,
}

/// API Gateway's, Lambda's and RDS's records of a scope, by the API, function or VPC a
/// path names. A stage, resource or deployment recorded without `restApiId` (a snapshot
/// of one API assembled by hand) belongs to every API.
#[derive(Default)]
pub struct ApiRecords<'a> {
    stages: HashMap<&'a str, Vec<&'a Stage>>,
    resources: HashMap<&'a str, Vec<&'a ApiResource>>,
    deployments: HashMap<&'a str, Vec<&'a Deployment>>,
    unowned_stages: Vec<&'a Stage>,
    unowned_resources: Vec<&'a ApiResource>,
    unowned_deployments: Vec<&'a Deployment>,
    /// Usage plans by an API they include; plan keys by plan; API keys by id.
    usage_plans: HashMap<&'a str, Vec<&'a UsagePlan>>,
    plan_keys: HashMap<&'a str, Vec<&'a UsagePlanKey>>,
    api_keys: HashMap<&'a str, &'a ApiKey>,
    /// Functions by unqualified ARN (and by name, for records without one); their
    /// policies by function name; databases by identifier and by VPC.
    functions_by_arn: HashMap<String, &'a Function>,
    functions_by_name: HashMap<&'a str, &'a Function>,
    function_policies: HashMap<&'a str, &'a FunctionPolicy>,
    databases_by_id: HashMap<&'a str, Vec<&'a DbInstance>>,
    databases_by_vpc: HashMap<&'a str, Vec<&'a DbInstance>>,
}

fn by_api<'a, T>(
    records: &'a Option<Vec<T>>,
    api_of: impl Fn(&'a T) -> Option<&'a str>,
) -> (HashMap<&'a str, Vec<&'a T>>, Vec<&'a T>) {
    let mut owned: HashMap<&str, Vec<&T>> = HashMap::new();
    let mut unowned = Vec::new();
    for r in records.iter().flatten() {
        match api_of(r) {
            Some(api) => owned.entry(api).or_default().push(r),
            None => unowned.push(r),
        }
    }
    (owned, unowned)
}

impl<'a> ApiRecords<'a> {
    fn build(s: &'a Scope) -> ApiRecords<'a> {
        let (stages, unowned_stages) = by_api(&s.stages, |x| x.rest_api_id.as_deref());
        let (resources, unowned_resources) = by_api(&s.resources, |x| x.rest_api_id.as_deref());
        let (deployments, unowned_deployments) =
            by_api(&s.deployments, |x| x.rest_api_id.as_deref());
        let mut r = ApiRecords {
            stages,
            resources,
            deployments,
            unowned_stages,
            unowned_resources,
            unowned_deployments,
            ..ApiRecords::default()
        };
        for plan in s.usage_plans.iter().flatten() {
            for api in plan.api_stages.iter().map(|x| x.api_id.as_str()) {
                let plans = r.usage_plans.entry(api).or_default();
                // A plan with several stages of one API is listed once.
                if !plans.last().is_some_and(|p| std::ptr::eq(*p, plan)) {
                    plans.push(plan);
                }
            }
        }
        for k in s.usage_plan_keys.iter().flatten() {
            r.plan_keys.entry(&k.usage_plan_id).or_default().push(k);
        }
        for k in s.api_keys.iter().flatten() {
            r.api_keys.entry(&k.id).or_insert(k);
        }
        for f in s.functions.iter().flatten() {
            match crate::lambda_arn::split_function_arn(&f.function_arn) {
                Some((arn, _)) => {
                    r.functions_by_arn.entry(arn).or_insert(f);
                }
                None if f.function_arn.is_empty() => {
                    r.functions_by_name.entry(&f.function_name).or_insert(f);
                }
                None => {
                    r.functions_by_arn
                        .entry(f.function_arn.clone())
                        .or_insert(f);
                }
            }
        }
        for p in s.function_policies.iter().flatten() {
            let name = p
                .function_name
                .rsplit_once(":function:")
                .map_or(p.function_name.as_str(), |(_, n)| n);
            r.function_policies.entry(name).or_insert(p);
        }
        for d in s.db_instances.iter().flatten() {
            r.databases_by_id
                .entry(&d.db_instance_identifier)
                .or_default()
                .push(d);
            if let Some(vpc) = d.db_subnet_group.as_ref().and_then(|g| g.vpc_id.as_deref()) {
                r.databases_by_vpc.entry(vpc).or_default().push(d);
            }
        }
        r
    }

    fn of<T>(owned: &HashMap<&'a str, Vec<&'a T>>, unowned: &[&'a T], api: &str) -> Vec<&'a T> {
        let mut out: Vec<&'a T> = owned.get(api).cloned().unwrap_or_default();
        out.extend_from_slice(unowned);
        out
    }

    /// The API's stages (in snapshot order, then those recorded without an API).
    pub fn stages(&self, api: &str) -> Vec<&'a Stage> {
        Self::of(&self.stages, &self.unowned_stages, api)
    }

    pub fn resources(&self, api: &str) -> Vec<&'a ApiResource> {
        Self::of(&self.resources, &self.unowned_resources, api)
    }

    pub fn deployment(&self, api: &str, id: &str) -> Option<&'a Deployment> {
        let owned = self.deployments.get(api).into_iter().flatten();
        owned
            .chain(self.unowned_deployments.iter())
            .find(|d| d.id == id)
            .copied()
    }

    /// The usage plans that include a stage of the API.
    pub fn usage_plans(&self, api: &str) -> &[&'a UsagePlan] {
        self.usage_plans.get(api).map_or(&[], Vec::as_slice)
    }

    pub fn plan_keys(&self, plan: &str) -> &[&'a UsagePlanKey] {
        self.plan_keys.get(plan).map_or(&[], Vec::as_slice)
    }

    pub fn api_key(&self, id: &str) -> Option<&'a ApiKey> {
        self.api_keys.get(id).copied()
    }

    /// The function an unqualified ARN names (a record without an ARN by its name).
    pub fn function(&self, arn: &str, name: &str) -> Option<&'a Function> {
        self.functions_by_arn
            .get(arn)
            .or_else(|| self.functions_by_name.get(name))
            .copied()
    }

    pub fn function_policy(&self, name: &str) -> Option<&'a FunctionPolicy> {
        self.function_policies.get(name).copied()
    }

    pub fn databases_named(&self, id: &str) -> &[&'a DbInstance] {
        self.databases_by_id.get(id).map_or(&[], Vec::as_slice)
    }

    pub fn databases_in(&self, vpc: &str) -> &[&'a DbInstance] {
        self.databases_by_vpc.get(vpc).map_or(&[], Vec::as_slice)
    }
}

/// A scope's custom domain names and Route 53 records, keyed as a path through a domain
/// looks them up: an audit checks thousands of such paths in an account of hundreds of
/// domains and zones associated with thousands of VPCs.
#[derive(Default)]
pub struct DomainRecords<'a> {
    /// Domain names and base path mappings by the normalised name.
    names: HashMap<String, Vec<&'a DomainName>>,
    mappings: HashMap<String, Vec<&'a BasePathMapping>>,
    /// Access associations by their source (the VPC endpoint).
    associations: HashMap<&'a str, Vec<&'a DomainNameAccessAssociation>>,
    /// Private hosted zones by the VPC they are associated with; records by zone id
    /// (without `/hostedzone/`).
    zones_by_vpc: HashMap<&'a str, Vec<&'a HostedZoneSummary>>,
    records_by_zone: HashMap<&'a str, Vec<&'a ResourceRecordSet>>,
}

impl<'a> DomainRecords<'a> {
    fn build(s: &'a Scope) -> DomainRecords<'a> {
        let mut r = DomainRecords::default();
        for d in s.domain_names.iter().flatten() {
            r.names
                .entry(normalise(&d.domain_name))
                .or_default()
                .push(d);
        }
        for m in s.base_path_mappings.iter().flatten() {
            r.mappings
                .entry(normalise(&m.domain_name))
                .or_default()
                .push(m);
        }
        for a in s.domain_name_access_associations.iter().flatten() {
            r.associations
                .entry(&a.access_association_source)
                .or_default()
                .push(a);
        }
        for z in s.hosted_zones.iter().flatten() {
            r.zones_by_vpc.entry(&z.vpc_id).or_default().push(z);
        }
        for x in s.resource_record_sets.iter().flatten() {
            r.records_by_zone
                .entry(bare_zone_id(&x.hosted_zone_id))
                .or_default()
                .push(x);
        }
        r
    }

    /// The domain names of this (normalised) name: names need not be unique.
    pub fn named(&self, name: &str) -> &[&'a DomainName] {
        self.names.get(name).map_or(&[], Vec::as_slice)
    }

    /// The base path mappings of the domains of this (normalised) name.
    pub fn mappings(&self, name: &str) -> &[&'a BasePathMapping] {
        self.mappings.get(name).map_or(&[], Vec::as_slice)
    }

    /// The access associations whose source is this endpoint.
    pub fn associations_of(&self, source: &str) -> &[&'a DomainNameAccessAssociation] {
        self.associations.get(source).map_or(&[], Vec::as_slice)
    }

    /// The private hosted zones associated with this VPC.
    pub fn zones_of(&self, vpc: &str) -> &[&'a HostedZoneSummary] {
        self.zones_by_vpc.get(vpc).map_or(&[], Vec::as_slice)
    }

    /// A zone's records, by its id with or without `/hostedzone/`.
    pub fn records_in(&self, zone: &str) -> &[&'a ResourceRecordSet] {
        self.records_by_zone
            .get(bare_zone_id(zone))
            .map_or(&[], Vec::as_slice)
    }
}

/// One [`Index`] per scope, built once per snapshot and shared by every path resolved
/// over it.
pub struct SnapshotIndex<'a> {
    pub snapshot: &'a Snapshot,
    pub scopes: Vec<Index<'a>>,
    /// `ACCOUNT/REGION` → position in `scopes`.
    by_label: HashMap<String, usize>,
    /// Region → positions in `scopes`.
    by_region: HashMap<&'a str, Vec<usize>>,
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
        let mut by_region: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (i, s) in snapshot.scopes.iter().enumerate() {
            by_region.entry(&s.region).or_default().push(i);
        }
        SnapshotIndex {
            snapshot,
            scopes,
            by_label,
            by_region,
        }
    }

    /// The scopes of a region, in snapshot order.
    pub fn scopes_in<'s>(&'s self, region: &str) -> impl Iterator<Item = &'s Index<'a>> + 's {
        self.by_region
            .get(region)
            .into_iter()
            .flatten()
            .map(|i| &self.scopes[*i])
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
            transit_gateways: HashMap::new(),
            tgw_attachments_by_vpc: HashMap::with_capacity(len(&s.transit_gateway_vpc_attachments)),
            tgw_attachment_records: HashMap::with_capacity(len(&s.transit_gateway_attachments)),
            tgw_peerings_by_tgw: HashMap::new(),
            tgw_routes_by_table: HashMap::new(),
            bpa_exclusions: HashMap::new(),
            vpc_links: HashMap::new(),
            vpc_links_v2: HashMap::new(),
            load_balancers: HashMap::new(),
            listeners_by_lb: HashMap::new(),
            target_groups: HashMap::new(),
            target_health_by_tg: HashMap::new(),
            enis_by_instance: HashMap::new(),
            enis_by_address: HashMap::new(),
            tgw_tables_routing_to: HashMap::new(),
            tgw_attachments_by_table: HashMap::new(),
            api_records: ApiRecords::build(s),
            domain_records: DomainRecords::build(s),
            policies: HashMap::new(),
            role_grants: Mutex::new(HashMap::new()),
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
        for p in s.policies.iter().flatten() {
            ix.policies.entry(&p.arn).or_insert(p);
        }
        for a in s.vpc_attributes.iter().flatten() {
            ix.vpc_attributes.insert(&a.vpc_id, a);
        }
        ix.index_transit(s);
        for e in s.vpc_block_public_access_exclusions.iter().flatten() {
            if let Some(id) = e.resource_id().filter(|_| e.in_force()) {
                ix.bpa_exclusions.entry(id).or_default().push(e);
            }
        }
        ix.index_private_integration(s);
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
            // A TGW's route tables and its attachments' associations are its owner's.
            .chain(ix.transit_gateways.keys().copied())
            .chain(ix.tgw_routes_by_table.keys().copied())
            .chain(s.rest_apis.iter().flatten().map(|a| a.id.as_str()))
            .chain(ix.vpc_links.keys().copied())
            .chain(ix.vpc_links_v2.keys().copied())
            .chain(ix.load_balancers.keys().copied())
            .chain(ix.target_groups.keys().copied())
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

    /// Default Host Management Configuration's service setting: `None` when the scope's
    /// settings were not read, `Some(None)` when read and DHMC's is not among them.
    pub fn dhmc_setting(&self) -> Option<Option<&'a ServiceSetting>> {
        let settings = self.scope.service_settings.as_ref()?;
        Some(settings.iter().find(|s| s.is_dhmc()))
    }

    /// The region's VPC Block Public Access options: `None` when not read (an empty
    /// array, as from an account that never set them, is the default `off`).
    pub fn bpa_options(&self) -> Option<Option<&'a VpcBlockPublicAccessOptions>> {
        let options = self.scope.vpc_block_public_access_options.as_ref()?;
        Some(options.first())
    }

    fn index_transit(&mut self, s: &'a Scope) {
        for t in s.transit_gateways.iter().flatten() {
            self.transit_gateways.insert(&t.transit_gateway_id, t);
        }
        for a in s.transit_gateway_vpc_attachments.iter().flatten() {
            self.tgw_attachments_by_vpc
                .entry(&a.vpc_id)
                .or_default()
                .push(a);
        }
        for a in s.transit_gateway_attachments.iter().flatten() {
            self.tgw_attachment_records
                .insert(&a.transit_gateway_attachment_id, a);
            let table = a.association.as_ref().filter(|x| {
                matches!(
                    x.state.as_deref(),
                    None | Some("associated" | "associating")
                )
            });
            if let Some(t) = table.and_then(|x| x.transit_gateway_route_table_id.as_deref()) {
                self.tgw_attachments_by_table.entry(t).or_default().push(a);
            }
        }
        for p in s.transit_gateway_peering_attachments.iter().flatten() {
            let ends = [&p.requester_tgw_info, &p.accepter_tgw_info];
            for tgw in ends
                .into_iter()
                .flatten()
                .filter_map(|i| i.transit_gateway_id.as_deref())
            {
                let list = self.tgw_peerings_by_tgw.entry(tgw).or_default();
                if !list.iter().any(|x| std::ptr::eq(*x, p)) {
                    list.push(p);
                }
            }
        }
        for r in s.transit_gateway_routes.iter().flatten() {
            self.tgw_routes_by_table
                .entry(&r.transit_gateway_route_table_id)
                .or_default()
                .push(r);
            if r.state.as_deref() == Some("blackhole") {
                continue;
            }
            for a in r.transit_gateway_attachments.iter() {
                let Some(id) = a.transit_gateway_attachment_id.as_deref() else {
                    continue;
                };
                let tables = self.tgw_tables_routing_to.entry(id).or_default();
                // Routes come table by table; a repeat elsewhere is only a duplicate.
                if tables.last() != Some(&r.transit_gateway_route_table_id.as_str()) {
                    tables.push(&r.transit_gateway_route_table_id);
                }
            }
        }
    }

    fn index_private_integration(&mut self, s: &'a Scope) {
        for l in s.vpc_links.iter().flatten() {
            self.vpc_links.insert(&l.id, l);
        }
        for l in s.vpc_links_v2.iter().flatten() {
            self.vpc_links_v2.insert(&l.vpc_link_id, l);
        }
        for lb in s.load_balancers.iter().flatten() {
            self.load_balancers.insert(&lb.load_balancer_arn, lb);
        }
        for l in s.listeners.iter().flatten() {
            self.listeners_by_lb
                .entry(&l.load_balancer_arn)
                .or_default()
                .push(l);
        }
        for tg in s.target_groups.iter().flatten() {
            self.target_groups.insert(&tg.target_group_arn, tg);
        }
        for h in s.target_health_descriptions.iter().flatten() {
            self.target_health_by_tg
                .entry(&h.target_group_arn)
                .or_default()
                .push(h);
        }
        for eni in s.network_interfaces.iter().flatten() {
            if let Some(instance) = eni
                .attachment
                .as_ref()
                .and_then(|a| a.instance_id.as_deref())
            {
                self.enis_by_instance.entry(instance).or_default().push(eni);
            }
            for address in eni.addresses() {
                self.enis_by_address.insert(address, eni);
            }
        }
    }

    /// Whether this scope holds a record with this id.
    pub fn owns(&self, id: &str) -> bool {
        self.owned.contains(id)
    }

    /// The VPC's DNS attributes, when collected.
    pub fn vpc_attribute(&self, vpc_id: &str) -> Option<&'a VpcAttribute> {
        self.vpc_attributes.get(vpc_id).copied()
    }

    /// What the role's policies grant of `actions` ([`grants_all`] over
    /// [`Index::role_policies`]), remembered per role and list of actions.
    pub fn role_grants(
        &self,
        role: &RoleDetail,
        actions: &'static [&'static str],
    ) -> ActionsGrant<'static> {
        // Owned keys: a borrowed one would tie the index's lifetime inside the lock.
        let key = (role.role_name.clone(), actions.as_ptr() as usize);
        // A poisoned lock only means another thread panicked mid-insert: the map is
        // still a cache of complete answers.
        if let Some(g) = self
            .role_grants
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return g.clone();
        }
        let (docs, unread) = self.role_policies(role);
        let grant = grants_all(&docs, unread, actions);
        self.role_grants
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, grant.clone());
        grant
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
                .policies
                .get(p.policy_arn.as_str())
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
pub(crate) fn peering_rank(p: &VpcPeeringConnection) -> u8 {
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
