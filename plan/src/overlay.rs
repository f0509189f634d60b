//! The snapshot being built: the state (a live read, a snapshot file, or nothing) with
//! the plan's records replacing, adding to and removing from it, by id, in the scope
//! (account × region) of each resource's provider.
//!
//! Records are keyed as privpath keys them (a route table by its id, a stage by its
//! API and name, a function by its name); an upsert replaces the record with the same
//! key in its scope, or appends. Arrays are created on first write: an array the plan
//! never writes stays as the state had it — absent when nothing was read, so the checks
//! that need it say it is unknown, naming what would tell.

use crate::model::ProviderPlace;
use privpath_checks::planned::{PlanContext, PlannedUnknown};
use privpath_checks::snapshot::*;
use privpath_checks::Snapshot;
use std::collections::BTreeMap;

/// A record kind of the snapshot, with its key and its array.
pub trait Keyed: Sized {
    fn key(&self) -> String;
    fn array(scope: &mut Scope) -> &mut Option<Vec<Self>>;
}

macro_rules! keyed {
    ($t:ty, $field:ident, |$r:ident| $key:expr) => {
        impl Keyed for $t {
            fn key(&self) -> String {
                let $r = self;
                $key
            }
            fn array(scope: &mut Scope) -> &mut Option<Vec<Self>> {
                &mut scope.$field
            }
        }
    };
}

keyed!(Vpc, vpcs, |r| r.vpc_id.clone());
keyed!(Subnet, subnets, |r| r.subnet_id.clone());
keyed!(RouteTable, route_tables, |r| r.route_table_id.clone());
keyed!(SecurityGroup, security_groups, |r| r.group_id.clone());
keyed!(NetworkAcl, network_acls, |r| r.network_acl_id.clone());
keyed!(VpcPeeringConnection, vpc_peering_connections, |r| r
    .vpc_peering_connection_id
    .clone());
keyed!(VpcEndpoint, vpc_endpoints, |r| r.vpc_endpoint_id.clone());
keyed!(Instance, instances, |r| r.instance_id.clone());
keyed!(InstanceProfile, instance_profiles, |r| r
    .instance_profile_name
    .clone());
keyed!(RoleDetail, role_detail_list, |r| r.role_name.clone());
keyed!(RestApi, rest_apis, |r| r.id.clone());
keyed!(VpcAttribute, vpc_attributes, |r| r.vpc_id.clone());
keyed!(ManagedPolicy, policies, |r| r.arn.clone());
keyed!(Stage, stages, |r| format!(
    "{}/{}",
    r.rest_api_id.as_deref().unwrap_or(""),
    r.stage_name
));
keyed!(ApiResource, resources, |r| r.id.clone());
keyed!(Deployment, deployments, |r| r.id.clone());
keyed!(UsagePlan, usage_plans, |r| r.id.clone());
keyed!(UsagePlanKey, usage_plan_keys, |r| format!(
    "{}/{}",
    r.usage_plan_id, r.id
));
keyed!(ApiKey, api_keys, |r| r.id.clone());
keyed!(Function, functions, |r| r.function_name.clone());
keyed!(FunctionPolicy, function_policies, |r| r
    .function_name
    .clone());
keyed!(DbInstance, db_instances, |r| r
    .db_instance_identifier
    .clone());
keyed!(DomainName, domain_names, |r| r.qualified());
keyed!(BasePathMapping, base_path_mappings, |r| format!(
    "{}/{}",
    r.domain_name,
    r.path()
));
keyed!(
    DomainNameAccessAssociation,
    domain_name_access_associations,
    |r| format!("{}/{}", r.domain_name_arn, r.access_association_source)
);
keyed!(HostedZoneSummary, hosted_zones, |r| format!(
    "{}/{}",
    r.hosted_zone_id, r.vpc_id
));
keyed!(ResourceRecordSet, resource_record_sets, |r| format!(
    "{}/{}/{}",
    r.hosted_zone_id,
    r.name.trim_end_matches('.'),
    r.record_type
));

keyed!(TransitGateway, transit_gateways, |r| r
    .transit_gateway_id
    .clone());
keyed!(
    TransitGatewayVpcAttachment,
    transit_gateway_vpc_attachments,
    |r| r.transit_gateway_attachment_id.clone()
);
keyed!(TransitGatewayAttachment, transit_gateway_attachments, |r| r
    .transit_gateway_attachment_id
    .clone());
keyed!(TransitGatewayRoute, transit_gateway_routes, |r| {
    tgw_route_key(
        &r.transit_gateway_route_table_id,
        r.destination_cidr_block.as_deref().unwrap_or_default(),
        r.route_type.as_deref().unwrap_or("propagated"),
    )
});

/// How the overlay keys a TGW route: a static and a propagated route to one prefix
/// coexist (the static one wins).
pub fn tgw_route_key(table: &str, cidr: &str, kind: &str) -> String {
    format!("{table}/{cidr}/{kind}")
}

/// The snapshot under construction, with what the plan tells beside it.
pub struct Builder {
    pub snapshot: Snapshot,
    pub context: PlanContext,
    /// The plan is checked by itself: no state was read.
    pub plan_only: bool,
    /// Resource types the plan holds that privpath does not map, with their count.
    pub unmapped: BTreeMap<String, usize>,
    /// Peering connections the plan destroys and does not recreate.
    pub deleted_peerings: Vec<String>,
}

impl Builder {
    pub fn new(base: Option<Snapshot>) -> Builder {
        let plan_only = base.is_none();
        Builder {
            snapshot: base.unwrap_or_else(|| Snapshot {
                format: privpath_checks::snapshot::FORMAT_VERSION,
                ..Snapshot::default()
            }),
            context: PlanContext::default(),
            plan_only,
            unmapped: BTreeMap::new(),
            deleted_peerings: Vec::new(),
        }
    }

    /// The scope of a place: the one of that region (and account, when both are
    /// known), created when the state has none.
    pub fn scope(&mut self, place: &ProviderPlace) -> &mut Scope {
        let region = place.region.clone().unwrap_or_default();
        let found = self.snapshot.scopes.iter().position(|s| {
            s.region == region
                && match (&place.account, &s.account) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        });
        let i = match found {
            Some(i) => {
                // A plan-only scope learns its account from a later resource.
                if self.snapshot.scopes[i].account.is_none() {
                    self.snapshot.scopes[i].account = place.account.clone();
                }
                i
            }
            None => {
                self.snapshot.scopes.push(Scope {
                    account: place.account.clone(),
                    region,
                    ..Scope::default()
                });
                self.snapshot.scopes.len() - 1
            }
        };
        &mut self.snapshot.scopes[i]
    }

    /// Replaces the record with the same key in the place's scope, or appends it.
    pub fn upsert<T: Keyed>(&mut self, place: &ProviderPlace, record: T) {
        let key = record.key();
        let scope = self.scope(place);
        let list = T::array(scope).get_or_insert_with(Vec::new);
        match list.iter().position(|r| r.key() == key) {
            Some(i) => list[i] = record,
            None => list.push(record),
        }
    }

    /// Whether any scope holds a record with this key.
    pub fn has<T: Keyed>(&mut self, key: &str) -> bool {
        self.snapshot
            .scopes
            .iter_mut()
            .any(|s| T::array(s).iter().flatten().any(|r| r.key() == key))
    }

    /// Removes the record with this key from every scope (a peering connection is
    /// listed by both sides).
    pub fn remove<T: Keyed>(&mut self, key: &str) {
        for s in &mut self.snapshot.scopes {
            if let Some(list) = T::array(s) {
                list.retain(|r| r.key() != key);
            }
        }
    }

    /// The record with this key, in whichever scope holds it.
    pub fn find_mut<T: Keyed>(&mut self, key: &str) -> Option<&mut T> {
        self.snapshot
            .scopes
            .iter_mut()
            .find_map(|s| T::array(s).as_mut()?.iter_mut().find(|r| r.key() == key))
    }

    /// Every record of a kind, in every scope.
    pub fn all<T: Keyed>(&mut self) -> Vec<&mut T> {
        self.snapshot
            .scopes
            .iter_mut()
            .flat_map(|s| T::array(s).iter_mut().flatten())
            .collect()
    }

    /// Records a value known only after the apply, and the checks that read it.
    pub fn unknown(&mut self, record: &str, whats: Vec<String>, checks: &[&'static str]) {
        for what in whats {
            let u = PlannedUnknown {
                record: record.to_string(),
                what,
                checks: checks.to_vec(),
            };
            if !self.context.unknowns.contains(&u) {
                self.context.unknowns.push(u);
            }
        }
    }

    /// Notes which address an id belongs to.
    pub fn address(&mut self, id: &str, address: &str) {
        if !id.is_empty() {
            self.context
                .addresses
                .entry(id.to_string())
                .or_insert_with(|| address.to_string());
        }
    }
}
