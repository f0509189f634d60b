//! What a Terraform plan adds to a run, beside the snapshot it was overlaid on: which
//! Terraform address each id belongs to, which values stay unknown until the apply, and
//! the few facts that only a plan shows (the order Terraform will create things in, a
//! deployment's triggers, a replacement's lifecycle). The `privpath-plan` crate fills
//! it in; the evaluator and the `plan-*` checks read it. Pure data: no Terraform JSON
//! here, so the checks never depend on the plan format.
//!
//! A resource whose id is unknown until the apply is given a placeholder id built from
//! its address — `vpce-(aws_vpc_endpoint.execute_api)`: the prefix AWS would give the
//! real id (so that route targets and policy values still classify), the address in
//! parentheses (so that it reads as "this one, once created", and a fix pasted into a
//! shell stops at the parenthesis instead of acting on a look-alike).

use std::collections::BTreeMap;

/// A run's Terraform plan, as the checks see it.
#[derive(Clone, Debug, Default)]
pub struct PlanContext {
    /// Id (real, or a placeholder) → the Terraform address of the resource that has it.
    pub addresses: BTreeMap<String, String>,
    /// Address → what the apply does to it, for every resource the plan manages.
    pub actions: BTreeMap<String, PlannedAction>,
    /// Values the plan cannot know (`after_unknown`) and the references did not decide.
    pub unknowns: Vec<PlannedUnknown>,
    /// Every `aws_api_gateway_deployment` the plan manages.
    pub deployments: Vec<PlannedDeployment>,
    /// Per REST API, the methods, integrations and resources the plan changes.
    pub api_changes: Vec<PlannedApiChange>,
    /// Every `aws_vpc_peering_connection` the plan manages.
    pub peerings: Vec<PlannedPeering>,
    /// Every interface or gateway `aws_vpc_endpoint` the plan manages.
    pub endpoints: Vec<PlannedEndpoint>,
}

/// A value the plan leaves unknown until the apply, and the checks whose verdict on a
/// path depends on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedUnknown {
    /// The id of the snapshot record the value belongs to (a placeholder when that is
    /// unknown too): the unknown only matters on a path through that record.
    pub record: String,
    /// `ADDRESS.attribute`, or a short phrase after the address when the value is not
    /// one attribute (`aws_instance.client: its SSM Agent registration`).
    pub what: String,
    /// The checks that read it.
    pub checks: Vec<&'static str>,
}

/// What Terraform does to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlannedAction {
    NoOp,
    Create,
    Update,
    /// Destroy, then create (the default).
    DeleteThenCreate,
    /// Create, then destroy (`create_before_destroy`).
    CreateThenDelete,
    Delete,
    /// Read (data sources), forget, or an action this privpath does not know.
    Other,
}

impl PlannedAction {
    /// Whether the apply makes a new object (create or either kind of replace).
    pub fn creates(self) -> bool {
        matches!(
            self,
            PlannedAction::Create
                | PlannedAction::DeleteThenCreate
                | PlannedAction::CreateThenDelete
        )
    }

    /// Whether the apply changes the object in any way.
    pub fn changes(self) -> bool {
        !matches!(self, PlannedAction::NoOp | PlannedAction::Other)
    }

    /// As `terraform plan` words it.
    pub fn verb(self) -> &'static str {
        match self {
            PlannedAction::NoOp => "left unchanged",
            PlannedAction::Create => "created",
            PlannedAction::Update => "updated in place",
            PlannedAction::DeleteThenCreate => "replaced (destroyed, then created)",
            PlannedAction::CreateThenDelete => "replaced (created, then destroyed)",
            PlannedAction::Delete => "destroyed",
            PlannedAction::Other => "read",
        }
    }
}

/// An `aws_api_gateway_deployment` of the plan.
#[derive(Clone, Debug)]
pub struct PlannedDeployment {
    pub address: String,
    pub id: String,
    pub rest_api_id: Option<String>,
    pub action: PlannedAction,
    /// `triggers` is set (a redeployment hash): a change of what it hashes replaces the
    /// deployment.
    pub has_triggers: bool,
    /// The resource policy of its API that the plan creates or replaces, when there is
    /// one (an `aws_api_gateway_rest_api_policy`): its address, and whether the
    /// deployment depends on it, directly or transitively, through references or
    /// `depends_on`.
    pub policy: Option<PolicyDependency>,
}

#[derive(Clone, Debug)]
pub struct PolicyDependency {
    pub address: String,
    pub action: PlannedAction,
    pub depended_on: bool,
}

/// What the plan changes in a REST API's methods.
#[derive(Clone, Debug)]
pub struct PlannedApiChange {
    pub rest_api_id: String,
    /// `ADDRESS (created)` and the like, for each method, integration or resource the
    /// plan changes, and for the API's OpenAPI body.
    pub changes: Vec<String>,
}

/// An `aws_vpc_peering_connection` of the plan (the requester's side).
#[derive(Clone, Debug)]
pub struct PlannedPeering {
    pub address: String,
    pub id: String,
    pub action: PlannedAction,
    pub auto_accept: bool,
    /// The requester's account and region, as far as the plan tells them.
    pub account: Option<String>,
    pub region: String,
    /// `peer_owner_id` / `peer_region`, when set.
    pub peer_owner_id: Option<String>,
    pub peer_region: Option<String>,
    /// The `aws_vpc_peering_connection_accepter` of the same connection, when the plan
    /// has one.
    pub accepter: Option<String>,
}

impl PlannedPeering {
    /// Whether the accepter's account or region is not the requester's (when both are
    /// known): then only the accepter's side can accept.
    pub fn crosses(&self) -> bool {
        let other_account =
            matches!((&self.peer_owner_id, &self.account), (Some(p), Some(a)) if p != a);
        let other_region = self.peer_region.as_ref().is_some_and(|r| *r != self.region);
        other_account || other_region
    }
}

/// An `aws_vpc_endpoint` of the plan.
#[derive(Clone, Debug)]
pub struct PlannedEndpoint {
    pub address: String,
    /// The id after the apply (a placeholder when it is created), and the id of the
    /// object a replacement destroys.
    pub id: String,
    pub old_id: Option<String>,
    pub vpc_id: String,
    pub service_name: String,
    pub action: PlannedAction,
    pub private_dns: bool,
}

impl PlanContext {
    /// The address of the resource with this id, when the plan manages it.
    pub fn address_of(&self, id: &str) -> Option<&str> {
        self.addresses.get(id).map(String::as_str)
    }

    /// The id of the resource at this address, when the plan manages it.
    pub fn id_of(&self, address: &str) -> Option<&str> {
        self.addresses
            .iter()
            .find(|(_, a)| a.as_str() == address)
            .map(|(id, _)| id.as_str())
    }
}

/// Whether an id is a placeholder for one known only after the apply.
pub fn is_placeholder(id: &str) -> bool {
    id.ends_with(')') && id.contains('(')
}

/// The placeholder id of a resource (or of one of its attributes, e.g. a VPC's main
/// route table) whose real id is known only after the apply.
pub fn placeholder(prefix: &str, what: &str) -> String {
    format!("{prefix}({what})")
}

/// The module an address lives in, with its instance keys (`module.a[0]`), or `""`
/// for the root module. Keys may be quoted strings holding dots and brackets.
pub fn module_of(address: &str) -> &str {
    let bytes = address.as_bytes();
    let mut end = 0;
    let mut i = 0;
    while address[i..].starts_with("module.") {
        i += "module.".len();
        // The module's name, then an optional [KEY], then a dot.
        while i < bytes.len() && bytes[i] != b'.' && bytes[i] != b'[' {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'[' {
            i = skip_key(address, i);
        }
        if i < bytes.len() && bytes[i] == b'.' {
            end = i;
            i += 1;
        } else {
            break;
        }
    }
    &address[..end]
}

/// The position after a `[KEY]` starting at `open`: a number, or a quoted string with
/// Go escapes.
pub fn skip_key(s: &str, open: usize) -> usize {
    let bytes = s.as_bytes();
    let mut i = open + 1;
    if i < bytes.len() && bytes[i] == b'"' {
        i += 1;
        while i < bytes.len() && bytes[i] != b'"' {
            if bytes[i] == b'\\' {
                i += 1;
            }
            i += 1;
        }
        i += 1;
    }
    while i < bytes.len() && bytes[i] != b']' {
        i += 1;
    }
    (i + 1).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_keep_the_prefix_and_name_the_address() {
        let p = placeholder("vpce-", "aws_vpc_endpoint.execute_api");
        assert_eq!(p, "vpce-(aws_vpc_endpoint.execute_api)");
        assert!(p.starts_with("vpce-"));
        assert!(is_placeholder(&p));
        assert!(!is_placeholder("vpce-0e9a0000000000001"));
    }

    #[test]
    fn a_peering_crosses_when_the_peer_is_elsewhere() {
        let mut p = PlannedPeering {
            address: "aws_vpc_peering_connection.a".into(),
            id: "pcx-1".into(),
            action: PlannedAction::Create,
            auto_accept: true,
            account: Some("1".into()),
            region: "us-east-1".into(),
            peer_owner_id: Some("1".into()),
            peer_region: None,
            accepter: None,
        };
        assert!(!p.crosses());
        p.peer_region = Some("eu-west-1".into());
        assert!(p.crosses());
        p.peer_region = None;
        p.peer_owner_id = Some("2".into());
        assert!(p.crosses());
    }
}
