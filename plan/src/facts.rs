//! What only a plan shows, for the `plan-*` checks — the deployments with their
//! triggers and their dependency on the API's policy resource, the methods a plan
//! changes, the peering connections with who accepts them, the endpoints with how
//! they are replaced — and the API summary of each deployment the apply creates.

use crate::model::{Plan, Res};
use crate::overlay::Builder;
use crate::readers;
use crate::resolve::View;
use privpath_checks::planned::*;
use privpath_checks::snapshot::{ApiResource, Deployment, MethodSnapshot};
use serde_json::Value;
use std::collections::BTreeMap;

fn api_of(plan: &Plan, r: &Res) -> Option<String> {
    let after = View {
        plan,
        res: r,
        after: r.exists_after(),
    };
    after.str("rest_api_id").known().or_else(|| {
        View {
            plan,
            res: r,
            after: false,
        }
        .str("rest_api_id")
        .known()
    })
}

fn current<'p>(plan: &'p Plan, rtype: &'p str) -> impl Iterator<Item = &'p Res> + 'p {
    plan.resources
        .iter()
        .filter(move |r| r.rtype == rtype && !r.deposed && !r.data)
}

pub fn collect(plan: &Plan, b: &mut Builder) {
    let policies: Vec<(&Res, Option<String>)> = current(plan, "aws_api_gateway_rest_api_policy")
        .map(|r| (r, api_of(plan, r)))
        .collect();
    for r in current(plan, "aws_api_gateway_deployment") {
        let api = api_of(plan, r);
        let has_triggers = r
            .after
            .get("triggers")
            .and_then(Value::as_object)
            .is_some_and(|t| !t.is_empty())
            || r.unknown
                .get("triggers")
                .is_some_and(|u| u != &Value::Bool(false))
            || plan.expression(r, "triggers").is_some();
        let policy = policies
            .iter()
            .find(|(p, a)| a.is_some() && *a == api && p.action.creates())
            .map(|(p, _)| PolicyDependency {
                address: p.address.clone(),
                action: p.action,
                depended_on: plan.depends_on(r, p),
            });
        b.context.deployments.push(PlannedDeployment {
            address: r.address.clone(),
            id: plan.id_of(r),
            rest_api_id: api,
            action: r.action,
            has_triggers,
            policy,
        });
    }
    let mut changes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in plan
        .resources
        .iter()
        .filter(|r| !r.deposed && !r.data && r.action.changes())
    {
        let counted = matches!(
            r.rtype.as_str(),
            "aws_api_gateway_method"
                | "aws_api_gateway_integration"
                | "aws_api_gateway_rest_api_policy"
                | "aws_api_gateway_resource"
                | "aws_api_gateway_method_response"
                | "aws_api_gateway_integration_response"
        );
        let body = r.rtype == "aws_api_gateway_rest_api"
            && r.before.get("body") != r.after.get("body")
            && (r.after.get("body").is_some_and(|b| !b.is_null())
                || r.unknown.get("body") == Some(&Value::Bool(true)));
        let api = if counted {
            api_of(plan, r)
        } else if body {
            Some(plan.id_of(r))
        } else {
            None
        };
        if let Some(api) = api {
            let what = if body {
                format!("{}.body ({})", r.address, r.action.verb())
            } else {
                format!("{} ({})", r.address, r.action.verb())
            };
            changes.entry(api).or_default().push(what);
        }
    }
    b.context.api_changes = changes
        .into_iter()
        .map(|(rest_api_id, changes)| PlannedApiChange {
            rest_api_id,
            changes,
        })
        .collect();
    let accepters: Vec<(&Res, Option<String>)> =
        current(plan, "aws_vpc_peering_connection_accepter")
            .map(|r| {
                let v = View {
                    plan,
                    res: r,
                    after: r.exists_after(),
                };
                (r, v.str("vpc_peering_connection_id").known())
            })
            .collect();
    for r in current(plan, "aws_vpc_peering_connection") {
        if !r.exists_after() {
            continue;
        }
        let v = View {
            plan,
            res: r,
            after: true,
        };
        let id = plan.id_of(r);
        let place = v.place();
        b.context.peerings.push(PlannedPeering {
            address: r.address.clone(),
            id: id.clone(),
            action: r.action,
            auto_accept: v.bool("auto_accept").known().unwrap_or(false),
            account: place.account.clone(),
            region: place.region.clone().unwrap_or_default(),
            peer_owner_id: v.str("peer_owner_id").known(),
            peer_region: v.str("peer_region").known(),
            accepter: accepters
                .iter()
                .find(|(_, pcx)| pcx.as_deref() == Some(id.as_str()))
                .map(|(a, _)| a.address.clone()),
        });
    }
    for r in current(plan, "aws_vpc_endpoint") {
        if !r.exists_after() {
            continue;
        }
        let v = View {
            plan,
            res: r,
            after: true,
        };
        let old = plan.old_id_of(r).filter(|_| r.action.creates());
        b.context.endpoints.push(PlannedEndpoint {
            address: r.address.clone(),
            id: plan.id_of(r),
            old_id: old,
            vpc_id: v.str("vpc_id").known().unwrap_or_default(),
            service_name: v.str("service_name").known().unwrap_or_default(),
            action: r.action,
            private_dns: v.bool("private_dns_enabled").known().unwrap_or(false),
        });
    }
}

/// The API summary of every deployment the apply creates: each method of its API that
/// exists before the deployment is created — one the plan leaves as it is (or that the
/// state or the API's body holds), or one the deployment depends on. A method the plan
/// creates without the deployment depending on it may come before or after: what the
/// deployment holds then is unknown.
pub fn deployment_summaries(plan: &Plan, b: &mut Builder) {
    let methods: Vec<&Res> = plan
        .resources
        .iter()
        .filter(|r| {
            !r.deposed
                && r.exists_after()
                && matches!(
                    r.rtype.as_str(),
                    "aws_api_gateway_method" | "aws_api_gateway_integration"
                )
        })
        .collect();
    for d in current(plan, "aws_api_gateway_deployment") {
        if !d.action.creates() || !d.exists_after() {
            continue;
        }
        let id = plan.id_of(d);
        let Some(api) = api_of(plan, d) else {
            continue;
        };
        let resources: Vec<ApiResource> = b
            .all::<ApiResource>()
            .into_iter()
            .filter(|r| r.rest_api_id.as_deref().is_none_or(|a| a == api))
            .map(|r| r.clone())
            .collect();
        let mut summary: BTreeMap<String, BTreeMap<String, MethodSnapshot>> = BTreeMap::new();
        let mut racing = Vec::new();
        for r in &resources {
            for (verb, m) in &r.resource_methods {
                let managing: Vec<&&Res> = methods
                    .iter()
                    .filter(|mr| {
                        let v = View {
                            plan,
                            res: mr,
                            after: true,
                        };
                        v.str("resource_id").known().as_deref() == Some(r.id.as_str())
                            && v.str("http_method")
                                .known()
                                .map(|x| x.to_ascii_uppercase())
                                .as_deref()
                                == Some(verb.as_str())
                    })
                    .collect();
                let before = managing.iter().all(|mr| !mr.action.creates());
                let depended = managing.iter().all(|mr| plan.depends_on(d, mr));
                if before || depended {
                    summary.entry(r.path.clone()).or_default().insert(
                        verb.clone(),
                        MethodSnapshot {
                            authorization_type: m.authorization_type.clone(),
                            api_key_required: m.api_key_required,
                        },
                    );
                } else {
                    racing.extend(
                        managing
                            .iter()
                            .filter(|mr| mr.action.creates() && !plan.depends_on(d, mr))
                            .map(|mr| {
                                format!(
                                    "{}: whether it holds {verb} {} ({} is created in parallel, and the deployment does not depend on it)",
                                    d.address, r.path, mr.address
                                )
                            }),
                    );
                }
            }
        }
        if !racing.is_empty() {
            b.unknown(&id, racing, readers::DEPLOYMENT);
        }
        if let Some(rec) = b.find_mut::<Deployment>(&id) {
            rec.api_summary = Some(summary);
        }
    }
}
