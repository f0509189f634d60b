//! privpath's Terraform plan reader. Pure: no I/O, no AWS SDK — bytes in, a snapshot
//! out, testable on fixtures in milliseconds.
//!
//! ```text
//! terraform show -json PLAN ─▶ format (tolerant read, every format_version 0.1–1.x)
//!                            ─▶ model (one Res per instance: action, before/after with
//!                               secrets removed, after_unknown, config, provider place)
//!                            ─▶ ec2 / iam / lambda / rds / apigateway / route53
//!                               (records and patches in AWS CLI shape; unknown values
//!                               decided by references, else recorded as unknowns)
//!                            ─▶ overlay on the state (live read, snapshot, or nothing)
//!                            ─▶ Snapshot + PlanContext (addresses, unknowns, facts)
//! ```
//!
//! The overlay, in four passes so that every patch finds its record: (1) records the
//! plan destroys (or replaces) leave the state; (2) records it creates, updates or
//! replaces are upserted by id — and, when no state was read, those it leaves as they
//! are too (the plan's prior state is then the only state there is); (3) patches the
//! plan destroys or changes are taken out of their records, as they were before the
//! apply; (4) patches it creates or changes are applied. What the plan does not touch
//! comes from the state as it was read. A resource whose id is unknown until the apply
//! gets a placeholder id built from its address (`vpce-(aws_vpc_endpoint.x)`), which the
//! references of other resources resolve to.

pub mod address;
mod apigateway;
mod ec2;
mod facts;
pub mod format;
mod graph;
mod iam;
mod known;
mod lambda;
mod mapping;
pub mod model;
mod overlay;
mod rds;
mod readers;
pub mod resolve;
mod route53;
pub mod sensitive;
mod tgw;

pub use format::PlanError;
pub use model::Plan;

use mapping::Kind;
use overlay::Builder;
use privpath_checks::planned::{PlanContext, PlannedAction};
use privpath_checks::snapshot::*;
use privpath_checks::{Snapshot, Source};
use resolve::View;
use thiserror::Error;

/// Whether a target names a Terraform address rather than an AWS id: AWS ids hold no
/// dot; addresses start with a resource type or `module.`.
pub fn is_address(s: &str) -> bool {
    s.contains('.') && (s.starts_with("module.") || s.starts_with("aws_"))
}

/// How to overlay.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The region of resources whose provider configuration does not name one
    /// (`--region`); without it, the state's (when it has one region).
    pub default_region: Option<String>,
}

/// The snapshot as it will be after the apply, and what the plan tells beside it.
pub struct Overlaid {
    pub snapshot: Snapshot,
    pub context: PlanContext,
    pub summary: PlanSummary,
}

/// The plan in a few numbers, for the reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanSummary {
    pub format_version: String,
    /// `Terraform 1.9.0` or `OpenTofu 1.8.0`, when the plan says.
    pub tool: Option<String>,
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
    /// Resource types the plan manages that privpath does not map, with their count.
    pub unmapped: Vec<(String, usize)>,
    /// What the reader must know: a partial plan, resources left out, transit gateways.
    pub notes: Vec<String>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum OverlayError {
    #[error("the plan does not say the region of {address} (its provider block names none): pass --region")]
    NoRegion { address: String },
}

/// Types whose records a type's upserts read (a subnet's VPC, a table's CIDRs): they
/// are written first.
const ORDER: &[&str] = &[
    "aws_vpc",
    "aws_subnet",
    "aws_default_route_table",
    "aws_route_table",
    "aws_default_security_group",
    "aws_security_group",
    "aws_default_network_acl",
    "aws_network_acl",
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "aws_vpc_endpoint",
    "aws_iam_role",
    "aws_iam_policy",
    "aws_iam_instance_profile",
    "aws_instance",
    "aws_lambda_function",
    "aws_db_instance",
    "aws_api_gateway_rest_api",
    "aws_api_gateway_resource",
    "aws_api_gateway_api_key",
    "aws_route53_zone",
];

fn rank(rtype: &str) -> usize {
    ORDER
        .iter()
        .position(|t| *t == rtype)
        .unwrap_or(ORDER.len())
}

/// Whether the state holds the record of a resource the plan leaves as it is.
fn state_has(b: &mut Builder, plan: &Plan, r: &model::Res) -> bool {
    let id = plan.id_of(r);
    match r.rtype.as_str() {
        "aws_vpc" => b.has::<Vpc>(&id),
        "aws_subnet" => b.has::<Subnet>(&id),
        "aws_route_table" | "aws_default_route_table" => b.has::<RouteTable>(&id),
        "aws_security_group" | "aws_default_security_group" => b.has::<SecurityGroup>(&id),
        "aws_network_acl" | "aws_default_network_acl" => b.has::<NetworkAcl>(&id),
        "aws_vpc_peering_connection" | "aws_vpc_peering_connection_accepter" => {
            b.has::<VpcPeeringConnection>(&id)
        }
        "aws_vpc_endpoint" => b.has::<VpcEndpoint>(&id),
        "aws_instance" => b.has::<Instance>(&id),
        "aws_iam_role" => b.has::<RoleDetail>(&id),
        "aws_iam_instance_profile" => b.has::<InstanceProfile>(&id),
        "aws_iam_policy" => b.has::<ManagedPolicy>(&id),
        "aws_lambda_function" => b.has::<Function>(&id),
        "aws_db_instance" => b.has::<DbInstance>(&id),
        "aws_api_gateway_rest_api" => b.has::<RestApi>(&id),
        "aws_api_gateway_resource" => b.has::<ApiResource>(&id),
        "aws_api_gateway_deployment" => b.has::<Deployment>(&id),
        "aws_api_gateway_usage_plan" => b.has::<UsagePlan>(&id),
        "aws_api_gateway_api_key" => b.has::<ApiKey>(&id),
        // Keyed by more than the id: the state's copy stands.
        _ => true,
    }
}

/// Overlays the plan on the state (`None`: the plan by itself).
pub fn overlay(
    plan: &mut Plan,
    base: Option<Snapshot>,
    opts: &Options,
) -> Result<Overlaid, OverlayError> {
    plan.default_region = opts.default_region.clone().or_else(|| {
        base.as_ref()
            .and_then(|s| s.scopes.first())
            .map(|s| s.region.clone())
    });
    let plan = &*plan;
    let mut b = Builder::new(base);
    let mapped: Vec<&model::Res> = plan
        .resources
        .iter()
        .filter(|r| matches!(mapping::kind(r), Kind::Record | Kind::Patch(_)))
        .collect();
    for r in &mapped {
        if plan
            .place_of(r, plan.default_region.as_deref())
            .region
            .is_none()
        {
            return Err(OverlayError::NoRegion {
                address: r.address.clone(),
            });
        }
    }
    let view = |r, after| View {
        plan,
        res: r,
        after,
    };
    let goes = |r: &model::Res| {
        !r.before.is_null()
            && match r.action {
                PlannedAction::Delete => !r.keeps_object,
                PlannedAction::DeleteThenCreate | PlannedAction::CreateThenDelete => true,
                _ => false,
            }
    };
    let comes = |r: &model::Res| !r.deposed && r.exists_after() && r.after.is_object();
    let mut records: Vec<&model::Res> = mapped
        .iter()
        .copied()
        .filter(|r| mapping::kind(r) == Kind::Record)
        .collect();
    records.sort_by_key(|r| rank(&r.rtype));
    for r in &records {
        if goes(r) {
            mapping::remove_record(&mut b, &view(r, false));
        }
    }
    for r in &records {
        if comes(r) && (r.action.changes() || b.plan_only || !state_has(&mut b, plan, r)) {
            mapping::add_record(&mut b, &view(r, true));
        }
    }
    for r in &records {
        if comes(r) {
            b.address(&plan.id_of(r), &r.address);
        }
    }
    let mut patches: Vec<&model::Res> = mapped
        .iter()
        .copied()
        .filter(|r| matches!(mapping::kind(r), Kind::Patch(_)))
        .collect();
    patches.sort_by_key(|r| match mapping::kind(r) {
        Kind::Patch(n) => n,
        _ => 0,
    });
    for r in &patches {
        let changed = matches!(r.action, PlannedAction::Update) || goes(r);
        if changed && !r.before.is_null() {
            mapping::patch(&mut b, &view(r, false), false);
        }
    }
    for r in &patches {
        if comes(r) && (r.action.changes() || b.plan_only) {
            mapping::patch(&mut b, &view(r, true), true);
        }
    }
    ec2::finalize(&mut b);
    facts::deployment_summaries(plan, &mut b);
    facts::collect(plan, &mut b);
    // Every managed resource's ids name it, the destroyed ones' too.
    for r in plan.resources.iter().filter(|r| !r.data && !r.deposed) {
        b.context.actions.insert(r.address.clone(), r.action);
        b.address(&plan.id_of(r), &r.address);
        if let Some(old) = plan.old_id_of(r) {
            b.address(&old, &r.address);
        }
    }
    let summary = summarize(plan, &b);
    if b.snapshot.scopes.is_empty() {
        // Nothing the plan holds is mapped: an empty scope, so that the result is still
        // a snapshot (and says what it lacks).
        let region = plan
            .default_region
            .clone()
            .or_else(|| plan.providers.values().find_map(|p| p.region.clone()))
            .unwrap_or_default();
        b.snapshot.scopes.push(Scope {
            region,
            ..Scope::default()
        });
    }
    if b.plan_only {
        if let Some(t) = &plan.doc.timestamp {
            b.snapshot.captured_at = Some(t.clone());
        }
        for scope in &mut b.snapshot.scopes {
            for source in Source::ALL {
                let action = source.iam_action();
                if !source.is_present(scope)
                    && !scope.unavailable.iter().any(|u| u.action == action)
                {
                    scope.unavailable.push(Unavailable {
                        action: action.to_string(),
                        error: "not in the plan, and no state was read (--offline)".to_string(),
                    });
                }
            }
        }
    }
    let mut context = b.context;
    context.unknowns.sort_by(|a, c| a.what.cmp(&c.what));
    Ok(Overlaid {
        snapshot: b.snapshot,
        context,
        summary,
    })
}

fn summarize(plan: &Plan, b: &Builder) -> PlanSummary {
    let mut s = PlanSummary {
        format_version: plan.doc.format_version.clone(),
        ..PlanSummary::default()
    };
    let tofu = plan.resources.iter().any(|r| {
        plan.doc
            .changes
            .iter()
            .any(|c| c.address == r.address && c.provider_name.contains("opentofu.org"))
    });
    s.tool = plan
        .doc
        .terraform_version
        .as_ref()
        .map(|v| format!("{} {v}", if tofu { "OpenTofu" } else { "Terraform" }));
    for r in plan.resources.iter().filter(|r| !r.data && !r.deposed) {
        match r.action {
            PlannedAction::Create => s.create += 1,
            PlannedAction::Update => s.update += 1,
            PlannedAction::DeleteThenCreate | PlannedAction::CreateThenDelete => s.replace += 1,
            PlannedAction::Delete => s.delete += 1,
            _ => {}
        }
    }
    let mut unmapped = std::collections::BTreeMap::new();
    for r in plan
        .resources
        .iter()
        .filter(|r| !r.deposed && mapping::kind(r) == Kind::NotMapped)
    {
        *unmapped.entry(r.rtype.clone()).or_insert(0usize) += 1;
    }
    for (t, n) in &b.unmapped {
        *unmapped.entry(t.clone()).or_insert(0) += n;
    }
    if unmapped
        .keys()
        .any(|t| tgw::NOT_MAPPED.contains(&t.as_str()))
    {
        s.notes.push(
            "the plan creates or changes transit gateways, their route tables or peering attachments, which privpath does not map: the routes and attachments it maps are checked, the rest is taken from the state"
                .to_string(),
        );
    }
    s.unmapped = unmapped.into_iter().collect();
    if plan.doc.errored {
        s.notes
            .push("Terraform stopped planning at an error: the plan is partial".to_string());
    }
    if plan.doc.complete == Some(false) {
        s.notes.push(
            "the plan is not complete (-target, or deferred changes): what it left out comes from the state"
                .to_string(),
        );
    }
    if !plan.doc.deferred.is_empty() {
        s.notes.push(format!(
            "deferred to a later plan: {}",
            plan.doc.deferred.join(", ")
        ));
    }
    s
}
