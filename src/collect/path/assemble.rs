//! From a path's answers to the snapshot: one scope per side (or one, when both sides
//! are one account and region), each array present only when it was read.

use super::board::{PathBoard, TransitAnswers, API, CLIENT, NETWORK};
use crate::collect::now_rfc3339;
use privpath_checks::snapshot::{self as m, Scope, Snapshot, Unavailable};

fn merge<T>(a: Option<Vec<T>>, b: Option<Vec<T>>, same: impl Fn(&T, &T) -> bool) -> Option<Vec<T>> {
    let (mut a, b) = (a?, b?);
    for item in b {
        if !a.iter().any(|x| same(x, &item)) {
            a.push(item);
        }
    }
    Some(a)
}

fn merge_endpoints(
    a: Option<Vec<m::VpcEndpoint>>,
    b: Option<Vec<m::VpcEndpoint>>,
) -> Option<Vec<m::VpcEndpoint>> {
    merge(a, b, |x, y| x.vpc_endpoint_id == y.vpc_endpoint_id)
}

fn merge_peerings(
    a: Option<Vec<m::VpcPeeringConnection>>,
    b: Option<Vec<m::VpcPeeringConnection>>,
) -> Option<Vec<m::VpcPeeringConnection>> {
    merge(a, b, |x, y| {
        x.vpc_peering_connection_id == y.vpc_peering_connection_id
    })
}

/// A side's roles, unless nothing about them could be read (then the array is absent
/// and the checks that need it say why).
fn roles_known(
    roles: Vec<m::RoleDetail>,
    gaps: &[Unavailable],
    profile_read: bool,
) -> Option<Vec<m::RoleDetail>> {
    let denied = gaps
        .iter()
        .any(|g| g.action == "iam:ListAttachedRolePolicies");
    if roles.is_empty() && (!profile_read || denied) {
        None
    } else {
        Some(roles)
    }
}

/// The roles read, per side, as `RoleDetail`s.
fn role_details(b: &mut PathBoard) -> [Vec<m::RoleDetail>; 2] {
    let mut out: [Vec<m::RoleDetail>; 2] = [Vec::new(), Vec::new()];
    for r in std::mem::take(&mut b.roles) {
        // A role whose attached list could not be read is left out: its checks say so.
        if let Some(attached) = r.attached {
            out[r.side].push(m::RoleDetail {
                role_name: r.name,
                arn: r.arn,
                attached_managed_policies: attached,
                role_policy_list: r.inline,
            });
        }
    }
    out
}

/// The API side's scope: API Gateway, Lambda, RDS, the endpoints the API names and the
/// networks of their VPCs (with the client's, on one side).
fn api_scope(b: &mut PathBoard, peerings_client: Option<Vec<m::VpcPeeringConnection>>) -> Scope {
    let split = b.split();
    let net = std::mem::take(&mut b.networks[API]);
    Scope {
        // One scope: the account that owns the instance, as a single-side run always had.
        account: if split {
            b.api_account.clone()
        } else {
            b.client_account.clone().or(b.api_account.clone())
        },
        region: b.api_region().to_string(),
        vpcs: net.vpcs,
        subnets: net.subnets,
        route_tables: net.route_tables,
        security_groups: net.security_groups,
        network_acls: net.network_acls,
        vpc_peering_connections: if split {
            merge_peerings(
                b.api_peerings_requested.take(),
                b.api_peerings_accepted.take(),
            )
        } else {
            peerings_client
        },
        vpc_endpoints: merge_endpoints(b.endpoints_in_vpcs.take(), b.endpoints_named.take()),
        rest_apis: b.api.take().map(|a| vec![a]),
        vpc_attributes: net.vpc_attributes,
        policies: Some(std::mem::take(&mut b.policies[API])),
        stages: b.stages.take(),
        resources: b.resources.take(),
        deployments: b.deployments.take(),
        usage_plans: b.usage_plans.take(),
        usage_plan_keys: b.usage_plan_keys.take(),
        api_keys: b.api_keys.take(),
        functions: b.function.clone().map(|f| f.into_iter().collect()),
        function_policies: b.function_policy.take().map(|p| p.into_iter().collect()),
        db_instances: b.db_instances.take(),
        vpc_links: b.private.links.take(),
        vpc_links_v2: b.private.links_v2.take(),
        load_balancers: b.private.load_balancers.take(),
        listeners: b.private.listeners.take(),
        target_groups: b.private.target_groups.take(),
        target_health_descriptions: b.private.health.take(),
        network_interfaces: b.private.interfaces.take(),
        ..Scope::default()
    }
}

/// The client side's scope: the instance, its Systems Manager record and profile, its
/// VPC's endpoints, peerings and network.
fn client_scope(b: &mut PathBoard, peerings_client: Option<Vec<m::VpcPeeringConnection>>) -> Scope {
    let net = std::mem::take(&mut b.networks[CLIENT]);
    Scope {
        account: b.client_account.clone(),
        region: b.client_region().to_string(),
        vpcs: net.vpcs,
        subnets: net.subnets,
        route_tables: net.route_tables,
        security_groups: net.security_groups,
        network_acls: net.network_acls,
        vpc_peering_connections: peerings_client,
        vpc_endpoints: b.endpoints_client.take(),
        instances: b.instance.take().map(|i| vec![i]),
        instance_information_list: b.info.take(),
        service_settings: b.service_settings.take(),
        vpc_block_public_access_options: b.bpa_options.take(),
        vpc_block_public_access_exclusions: b.bpa_exclusions.take(),
        instance_profiles: match &b.profile {
            // The profile call failed: the profile is not known.
            None => None,
            Some(None) => Some(Vec::new()),
            Some(Some(p)) => Some(vec![p.clone()]),
        },
        vpc_attributes: net.vpc_attributes,
        policies: Some(std::mem::take(&mut b.policies[CLIENT])),
        ..Scope::default()
    }
}

/// The domain, its mappings, certificate and the API side's associations are the API's
/// scope; the client's zones, records and associations the client's.
fn add_domain(b: &mut PathBoard, api: &mut Scope, client: &mut Scope) {
    if b.want.domain_name.is_none() {
        return;
    }
    let d = std::mem::take(&mut b.domain);
    api.domain_names = d.domain_names;
    api.base_path_mappings = d.mappings;
    api.certificates = d.certificates;
    api.domain_name_access_associations = d.associations_api;
    client.hosted_zones = d.zones;
    client.resource_record_sets = d.records;
    client.domain_name_access_associations = d.associations_client;
}

/// A side's transit gateway answers into its scope (absent on a path without a TGW).
fn add_transit(t: TransitAnswers, scope: &mut Scope) {
    scope.transit_gateways = t.tgws;
    scope.transit_gateway_vpc_attachments = t.vpc_attachments;
    scope.transit_gateway_attachments = t.records;
    scope.transit_gateway_peering_attachments = t.peerings;
    scope.transit_gateway_routes = t.routes;
}

/// The transit gateway owner's scope, when its credentials were given and it is not
/// one of the sides' accounts.
fn network_scope(b: &mut PathBoard, gaps: Vec<Unavailable>) -> Option<Scope> {
    if super::transit::network_is_a_side(b) {
        return None;
    }
    let region = b.network.as_ref()?.region.clone();
    let mut scope = Scope {
        account: b.network_account.clone(),
        region,
        unavailable: gaps,
        ..Scope::default()
    };
    add_transit(std::mem::take(&mut b.transit[NETWORK]), &mut scope);
    Some(scope)
}

pub(super) fn snapshot(mut b: PathBoard) -> Snapshot {
    let split = b.split();
    let function_read = matches!(b.function, Some(Some(_)));
    let profile_read = b.profile.is_some();
    let [api_roles, client_roles] = role_details(&mut b);
    let [mut api_gaps, client_gaps, network_gaps] = std::mem::take(&mut b.gaps);
    let network = network_scope(&mut b, network_gaps);
    let peerings_client = merge_peerings(b.peerings_requested.take(), b.peerings_accepted.take());
    let mut api = api_scope(&mut b, peerings_client.clone());
    let mut client = client_scope(&mut b, peerings_client);
    add_domain(&mut b, &mut api, &mut client);
    add_transit(std::mem::take(&mut b.transit[API]), &mut api);
    add_transit(std::mem::take(&mut b.transit[CLIENT]), &mut client);
    let scopes = if split {
        api.role_detail_list = roles_known(api_roles, &api_gaps, function_read);
        api.unavailable = api_gaps;
        client.role_detail_list = roles_known(client_roles, &client_gaps, profile_read);
        client.unavailable = client_gaps;
        vec![api, client].into_iter().chain(network).collect()
    } else {
        // Failures recorded before the sides proved one scope are the scope's too.
        for g in client_gaps {
            if !api_gaps.iter().any(|x| x.action == g.action) {
                api_gaps.push(g);
            }
        }
        api.instances = client.instances;
        api.instance_information_list = client.instance_information_list;
        api.service_settings = client.service_settings;
        api.vpc_block_public_access_options = client.vpc_block_public_access_options;
        api.vpc_block_public_access_exclusions = client.vpc_block_public_access_exclusions;
        api.instance_profiles = client.instance_profiles;
        api.hosted_zones = client.hosted_zones;
        api.resource_record_sets = client.resource_record_sets;
        api.role_detail_list = roles_known(api_roles, &api_gaps, profile_read);
        api.unavailable = api_gaps;
        std::iter::once(api).chain(network).collect()
    };
    Snapshot {
        captured_at: Some(now_rfc3339()),
        tool_version: Some(format!("privpath {}", env!("CARGO_PKG_VERSION"))),
        scopes,
        ..Snapshot::single(Scope::default())
    }
}
