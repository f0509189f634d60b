//! From a path's answers to the snapshot: one scope per side (or one, when both sides
//! are one account and region), each array present only when it was read.

use super::board::PathBoard;
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

pub(super) fn snapshot(mut b: PathBoard) -> Snapshot {
    let split = b.split();
    let mut role_details: [Vec<m::RoleDetail>; 2] = [Vec::new(), Vec::new()];
    for r in std::mem::take(&mut b.roles) {
        // A role whose attached list could not be read is left out: its checks say so.
        if let Some(attached) = r.attached {
            role_details[r.side].push(m::RoleDetail {
                role_name: r.name,
                arn: r.arn,
                attached_managed_policies: attached,
                role_policy_list: r.inline,
            });
        }
    }
    let instance_profiles = match &b.profile {
        // The profile call failed: the profile is not known.
        None => None,
        Some(None) => Some(Vec::new()),
        Some(Some(p)) => Some(vec![p.clone()]),
    };
    let function_read = matches!(b.function, Some(Some(_)));
    let profile_read = b.profile.is_some();
    let [api_roles, client_roles] = role_details;
    let [api_policies, client_policies] = std::mem::take(&mut b.policies);
    let [mut api_gaps, client_gaps] = std::mem::take(&mut b.gaps);
    let [api_net, client_net] = std::mem::take(&mut b.networks);
    let endpoints_api = merge_endpoints(b.endpoints_in_vpcs.take(), b.endpoints_named.take());
    let peerings_client = merge_peerings(b.peerings_requested.take(), b.peerings_accepted.take());
    let peerings_api = if split {
        merge_peerings(
            b.api_peerings_requested.take(),
            b.api_peerings_accepted.take(),
        )
    } else {
        None
    };
    let mut api_scope = Scope {
        // One scope: the account that owns the instance, as a single-side run always had.
        account: if split {
            b.api_account.clone()
        } else {
            b.client_account.clone().or(b.api_account.clone())
        },
        region: b.api_region().to_string(),
        vpcs: api_net.vpcs,
        subnets: api_net.subnets,
        route_tables: api_net.route_tables,
        security_groups: api_net.security_groups,
        network_acls: api_net.network_acls,
        vpc_peering_connections: if split {
            peerings_api
        } else {
            peerings_client.clone()
        },
        vpc_endpoints: endpoints_api,
        rest_apis: b.api.take().map(|a| vec![a]),
        vpc_attributes: api_net.vpc_attributes,
        policies: Some(api_policies),
        stages: b.stages.take(),
        resources: b.resources.take(),
        deployments: b.deployments.take(),
        usage_plans: b.usage_plans.take(),
        usage_plan_keys: b.usage_plan_keys.take(),
        api_keys: b.api_keys.take(),
        functions: b.function.clone().map(|f| f.into_iter().collect()),
        function_policies: b.function_policy.take().map(|p| p.into_iter().collect()),
        db_instances: b.db_instances.take(),
        ..Scope::default()
    };
    let mut client_scope = Scope {
        account: b.client_account.clone(),
        region: b.client_region().to_string(),
        vpcs: client_net.vpcs,
        subnets: client_net.subnets,
        route_tables: client_net.route_tables,
        security_groups: client_net.security_groups,
        network_acls: client_net.network_acls,
        vpc_peering_connections: peerings_client,
        vpc_endpoints: b.endpoints_client.take(),
        instances: b.instance.take().map(|i| vec![i]),
        instance_information_list: b.info.take(),
        instance_profiles,
        vpc_attributes: client_net.vpc_attributes,
        policies: Some(client_policies),
        ..Scope::default()
    };
    // The domain, its mappings, certificate and the API side's associations are the
    // API's scope; the client's zones, records and associations the client's.
    if b.want.domain_name.is_some() {
        let d = std::mem::take(&mut b.domain);
        api_scope.domain_names = d.domain_names;
        api_scope.base_path_mappings = d.mappings;
        api_scope.certificates = d.certificates;
        api_scope.domain_name_access_associations = d.associations_api;
        client_scope.hosted_zones = d.zones;
        client_scope.resource_record_sets = d.records;
        client_scope.domain_name_access_associations = d.associations_client;
    }
    let scopes = if split {
        api_scope.role_detail_list = roles_known(api_roles, &api_gaps, function_read);
        api_scope.unavailable = api_gaps;
        client_scope.role_detail_list = roles_known(client_roles, &client_gaps, profile_read);
        client_scope.unavailable = client_gaps;
        vec![api_scope, client_scope]
    } else {
        // Failures recorded before the sides proved one scope are the scope's too.
        for g in client_gaps {
            if !api_gaps.iter().any(|x| x.action == g.action) {
                api_gaps.push(g);
            }
        }
        api_scope.instances = client_scope.instances;
        api_scope.instance_information_list = client_scope.instance_information_list;
        api_scope.instance_profiles = client_scope.instance_profiles;
        api_scope.hosted_zones = client_scope.hosted_zones;
        api_scope.resource_record_sets = client_scope.resource_record_sets;
        api_scope.role_detail_list = roles_known(api_roles, &api_gaps, profile_read);
        api_scope.unavailable = api_gaps;
        vec![api_scope]
    };
    Snapshot {
        captured_at: Some(now_rfc3339()),
        tool_version: Some(format!("privpath {}", env!("CARGO_PKG_VERSION"))),
        scopes,
        ..Snapshot::single(Scope::default())
    }
}
