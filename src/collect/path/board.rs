//! A path's board: what its reads answered so far, where a side's reads are sent, and
//! the failures recorded per side. The reads (one file per hop) fill it; `assemble.rs`
//! turns it into the snapshot.

use crate::collect::calls::CallError;
use crate::collect::graph::{Board, Decl, Side};
use crate::collect::{CollectError, Ctx};
use privpath_checks::snapshot::{self as m, Unavailable};

/// What to collect: the ids given on the command line.
#[derive(Clone, Debug, Default)]
pub struct Wanted {
    /// `None`: the custom domain's base path mapping names it.
    pub api_id: Option<String>,
    pub instance_id: String,
    pub stage: Option<String>,
    pub http_method: Option<String>,
    pub resource_path: Option<String>,
    pub db_instance_id: Option<String>,
    /// The private custom domain name the client calls, and the base path under it.
    pub domain_name: Option<String>,
    pub base_path: Option<String>,
}

/// The facts a path's reads need and settle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    /// The API to read: `--api-id`, or the one the domain's mapping names.
    ApiId,
    Instance,
    /// The API side's account (two sides only).
    ApiAccount,
    /// Whether the two sides are one scope: settled once the instance's owner and the
    /// API side's account are known.
    Sides,
    Api,
    /// Both ends of the path exist (the instance's failure is reported before the API's).
    Ends,
    InstanceInformation,
    /// Default Host Management Configuration's setting, and its role's policies.
    ServiceSettings,
    DhmcRoleAttached,
    DhmcRoleInline,
    DhmcRoleInlineDocs,
    /// The client region's VPC Block Public Access options and exclusions.
    BpaOptions,
    BpaExclusions,
    Stages,
    Resources,
    UsagePlans,
    ApiKeys,
    DbInstances,
    /// The method, stage and integration the checks will look at.
    Method,
    EndpointsInVpcs,
    EndpointsNamed,
    EndpointsOfClient,
    PeeringsRequested,
    PeeringsAccepted,
    InstanceProfile,
    Deployments,
    UsagePlanKeys,
    Function,
    FunctionPolicy,
    /// The VPCs whose networks are read, per side.
    NetworkVpcs,
    Vpcs,
    Subnets,
    RouteTables,
    SecurityGroups,
    NetworkAcls,
    VpcAttributes,
    ClientVpcs,
    ClientSubnets,
    ClientRouteTables,
    ClientSecurityGroups,
    ClientNetworkAcls,
    ClientVpcAttributes,
    ApiPeeringsRequested,
    ApiPeeringsAccepted,
    InstanceRoleAttached,
    InstanceRoleInline,
    FunctionRoleAttached,
    FunctionRoleInline,
    InstanceRoleInlineDocs,
    FunctionRoleInlineDocs,
    PolicyVersions,
    ClientPolicyVersions,
    PolicyDocuments,
    ClientPolicyDocuments,
    DomainNamesOwn,
    DomainNamesShared,
    AssociationsOwn,
    AssociationsOthers,
    AssociationsOfClient,
    /// The domain read further (the API side's own private one of that name).
    Domain,
    DomainDetail,
    DomainMappings,
    DomainCertificate,
    /// The API and stage the domain's mapping sends the request to.
    Mapping,
    HostedZones,
    RecordSets,
    /// The TGWs the route tables on the path name.
    TgwNamed,
    NetworkAccount,
    ApiTgws,
    ClientTgws,
    NetworkTgws,
    ApiTgwAttachments,
    ClientTgwAttachments,
    NetworkTgwAttachments,
    ApiTgwRecords,
    ClientTgwRecords,
    NetworkTgwRecords,
    ApiTgwPeerings,
    ClientTgwPeerings,
    NetworkTgwPeerings,
    TgwRoutes,
    /// A private integration's VPC link, looked up as V1 and as V2 at once.
    VpcLinkV1,
    VpcLinkV2,
    /// The load balancer a private integration reaches (its ARN).
    LoadBalancerArn,
    LoadBalancers,
    Listeners,
    TargetGroups,
    TargetHealth,
    TargetInterfaces,
}

/// Which of the two sides' arrays a value belongs to.
pub(super) const API: usize = 0;
pub(super) const CLIENT: usize = 1;
/// The TGW owner's side, with `--network-role-arn` / `--network-profile`.
pub(super) const NETWORK: usize = 2;

/// What a side read of the transit gateways on the path.
#[derive(Default)]
pub(super) struct TransitAnswers {
    pub tgws: Option<Vec<m::TransitGateway>>,
    pub vpc_attachments: Option<Vec<m::TransitGatewayVpcAttachment>>,
    pub records: Option<Vec<m::TransitGatewayAttachment>>,
    pub peerings: Option<Vec<m::TransitGatewayPeeringAttachment>>,
    pub routes: Option<Vec<m::TransitGatewayRoute>>,
}

/// What a private integration's reads answered (all `None` on a path whose method does
/// not go through a VPC link).
#[derive(Default)]
pub(super) struct PrivateAnswers {
    /// The method's integration goes through a VPC link.
    pub private: bool,
    /// The link id its `connectionId` names (resolved on the stage), if any.
    pub link_id: Option<String>,
    /// The V2 integration's target (a load balancer's or a listener's ARN).
    pub target_arn: Option<String>,
    pub lb_arn: Option<String>,
    pub links: Option<Vec<m::VpcLink>>,
    pub links_v2: Option<Vec<m::VpcLinkV2>>,
    pub load_balancers: Option<Vec<m::LoadBalancer>>,
    pub listeners: Option<Vec<m::Listener>>,
    pub target_groups: Option<Vec<m::TargetGroup>>,
    pub health: Option<Vec<m::TargetHealthDescription>>,
    pub interfaces: Option<Vec<m::NetworkInterface>>,
}

/// A side's networks as answered; `None`: not read (nothing on the path there) or failed.
#[derive(Default)]
pub(super) struct Networks {
    pub vpcs: Option<Vec<m::Vpc>>,
    pub subnets: Option<Vec<m::Subnet>>,
    pub route_tables: Option<Vec<m::RouteTable>>,
    pub security_groups: Option<Vec<m::SecurityGroup>>,
    pub network_acls: Option<Vec<m::NetworkAcl>>,
    pub vpc_attributes: Option<Vec<m::VpcAttribute>>,
}

/// One role's policies as read: the attached list and inline names, then the inline
/// documents.
pub(super) struct RolePolicies {
    pub side: usize,
    pub name: String,
    pub arn: Option<String>,
    /// `None`: the list could not be read.
    pub attached: Option<Vec<m::AttachedPolicy>>,
    pub inline_names: Vec<String>,
    pub inline: Vec<m::InlinePolicy>,
}

/// Everything a path's reads answered, and where they are sent.
pub struct PathBoard {
    pub(super) want: Wanted,
    /// The API side's clients, and the client side's (the same when it has no
    /// credentials or region of its own).
    pub(super) ctx: [Ctx; 2],
    /// Whether the client side was given credentials or a region of its own.
    pub(super) two_sides: bool,
    /// Whether the two sides proved to be one account and region.
    pub(super) one_scope: bool,
    pub(super) gaps: [Vec<Unavailable>; 3],
    /// The transit gateway owner's clients, when given.
    pub(super) network: Option<Ctx>,
    pub(super) network_account: Option<String>,
    /// The TGWs the route tables on the path name (none: a peering path, no TGW read).
    pub(super) tgw_named: Vec<String>,
    pub(super) transit: [TransitAnswers; 3],

    pub(super) api_id: Option<String>,
    pub(super) stage: Option<String>,
    pub(super) instance: Option<m::Instance>,
    pub(super) client_account: Option<String>,
    pub(super) api_account: Option<String>,
    pub(super) api: Option<m::RestApi>,
    /// Why the API could not be read, reported once the instance is known to exist.
    pub(super) api_failure: Option<CollectError>,
    pub(super) info: Option<Vec<m::InstanceInformation>>,
    pub(super) service_settings: Option<Vec<m::ServiceSetting>>,
    pub(super) bpa_options: Option<Vec<m::VpcBlockPublicAccessOptions>>,
    pub(super) bpa_exclusions: Option<Vec<m::VpcBlockPublicAccessExclusion>>,
    pub(super) stages: Option<Vec<m::Stage>>,
    pub(super) resources: Option<Vec<m::ApiResource>>,
    pub(super) usage_plans: Option<Vec<m::UsagePlan>>,
    pub(super) api_keys: Option<Vec<m::ApiKey>>,
    pub(super) db_instances: Option<Vec<m::DbInstance>>,
    pub(super) deployment_ids: Vec<String>,
    pub(super) function_arn: Option<String>,
    pub(super) endpoints_in_vpcs: Option<Vec<m::VpcEndpoint>>,
    pub(super) endpoints_named: Option<Vec<m::VpcEndpoint>>,
    pub(super) endpoints_client: Option<Vec<m::VpcEndpoint>>,
    pub(super) peerings_requested: Option<Vec<m::VpcPeeringConnection>>,
    pub(super) peerings_accepted: Option<Vec<m::VpcPeeringConnection>>,
    pub(super) api_peerings_requested: Option<Vec<m::VpcPeeringConnection>>,
    pub(super) api_peerings_accepted: Option<Vec<m::VpcPeeringConnection>>,
    /// `None`: the call failed; `Some(None)`: the instance has no profile.
    pub(super) profile: Option<Option<m::InstanceProfile>>,
    pub(super) deployments: Option<Vec<m::Deployment>>,
    pub(super) usage_plan_keys: Option<Vec<m::UsagePlanKey>>,
    /// `None`: the call failed; `Some(None)`: no function on the method.
    pub(super) function: Option<Option<m::Function>>,
    pub(super) function_policy: Option<Option<m::FunctionPolicy>>,
    /// The VPCs whose networks each side reads, and whose DNS attributes.
    pub(super) network_vpcs: [Vec<String>; 2],
    pub(super) dns_vpcs: [Vec<String>; 2],
    pub(super) networks: [Networks; 2],
    pub(super) roles: Vec<RolePolicies>,
    /// Attached policies privpath does not know by ARN: (side, ARN, name) and, once
    /// asked, their default version.
    pub(super) unknown_policies: Vec<(usize, String, String, Option<String>)>,
    pub(super) policies: [Vec<m::ManagedPolicy>; 2],
    pub(super) domain: DomainAnswers,
    pub(super) private: PrivateAnswers,
}

impl PathBoard {
    /// Nothing answered yet; `client` is the client side's clients when it has
    /// credentials or a region of its own.
    pub fn new(api: &Ctx, client: Option<&Ctx>, network: Option<&Ctx>, want: &Wanted) -> PathBoard {
        PathBoard {
            want: want.clone(),
            ctx: [api.clone(), client.unwrap_or(api).clone()],
            two_sides: client.is_some(),
            one_scope: false,
            gaps: [Vec::new(), Vec::new(), Vec::new()],
            network: network.cloned(),
            network_account: None,
            tgw_named: Vec::new(),
            transit: Default::default(),
            api_id: None,
            stage: want.stage.clone(),
            instance: None,
            client_account: None,
            api_account: None,
            api: None,
            api_failure: None,
            info: None,
            service_settings: None,
            bpa_options: None,
            bpa_exclusions: None,
            stages: None,
            resources: None,
            usage_plans: None,
            api_keys: None,
            db_instances: None,
            deployment_ids: Vec::new(),
            function_arn: None,
            endpoints_in_vpcs: None,
            endpoints_named: None,
            endpoints_client: None,
            peerings_requested: None,
            peerings_accepted: None,
            api_peerings_requested: None,
            api_peerings_accepted: None,
            profile: None,
            deployments: None,
            usage_plan_keys: None,
            function: None,
            function_policy: None,
            network_vpcs: [Vec::new(), Vec::new()],
            dns_vpcs: [Vec::new(), Vec::new()],
            networks: [Networks::default(), Networks::default()],
            roles: Vec::new(),
            unknown_policies: Vec::new(),
            policies: [Vec::new(), Vec::new()],
            domain: DomainAnswers::default(),
            private: PrivateAnswers::default(),
        }
    }

    /// Where a side's reads and records go now: once both sides proved to be one
    /// scope, everything is the API side's.
    pub(super) fn side(&self, side: Side) -> usize {
        match side {
            Side::Client if self.split() => CLIENT,
            Side::Network if self.network.is_some() => NETWORK,
            _ => API,
        }
    }

    /// Whether the snapshot holds two scopes.
    pub(super) fn split(&self) -> bool {
        self.two_sides && !self.one_scope
    }

    pub(super) fn client_vpc(&self) -> Option<&str> {
        self.instance.as_ref().and_then(|i| i.vpc_id.as_deref())
    }

    pub(super) fn api_region(&self) -> &str {
        &self.ctx[API].region
    }

    pub(super) fn client_region(&self) -> &str {
        &self.ctx[CLIENT].region
    }
}

impl Board for PathBoard {
    type Fact = Fact;

    fn ctx(&self, side: Side) -> &Ctx {
        match self.side(side) {
            NETWORK => self.network.as_ref().unwrap_or(&self.ctx[API]),
            i => &self.ctx[i],
        }
    }

    fn failed(&mut self, decl: &Decl<Fact>, error: CallError) -> Result<(), CollectError> {
        self.record(self.side(decl.side), decl.action, error)
    }
}

/// The domain's answers, as the snapshot keeps them once settled.
#[derive(Default)]
pub struct DomainAnswers {
    /// `None`: the list could not be read.
    pub(super) own: Option<Vec<m::DomainName>>,
    pub(super) shared: Option<Vec<m::DomainName>>,
    pub(super) assoc_own: Option<Vec<m::DomainNameAccessAssociation>>,
    pub(super) assoc_others: Option<Vec<m::DomainNameAccessAssociation>>,
    pub(super) associations_client: Option<Vec<m::DomainNameAccessAssociation>>,
    /// The domain the detail reads look at: the API side's own private one of that name
    /// (a shared one's mappings and policy belong to its owner and cannot be read here).
    pub(super) chosen: Option<m::DomainName>,
    /// `GetDomainName`'s record (with the policy).
    pub(super) detail: Option<m::DomainName>,
    /// `None`: failed; `Some(None)`: not asked.
    pub(super) mappings_answer: Option<Option<Vec<m::BasePathMapping>>>,
    pub(super) certificate_answer: Option<Option<m::Certificate>>,
    /// What the snapshot holds.
    pub(super) domain_names: Option<Vec<m::DomainName>>,
    pub(super) mappings: Option<Vec<m::BasePathMapping>>,
    pub(super) certificates: Option<Vec<m::Certificate>>,
    pub(super) associations_api: Option<Vec<m::DomainNameAccessAssociation>>,
    pub(super) zones: Option<Vec<m::HostedZoneSummary>>,
    pub(super) records: Option<Vec<m::ResourceRecordSet>>,
    /// The API and stage the mapping sends the request to.
    pub(super) api_id: Option<String>,
    pub(super) stage: Option<String>,
}

impl PathBoard {
    /// Records one failed request of a read that settles its requests one by one; a
    /// failure that dooms every call stops the run.
    pub(super) fn record(
        &mut self,
        side: usize,
        action: &str,
        error: CallError,
    ) -> Result<(), CollectError> {
        if error.is_global() {
            return Err(CollectError::Global(error));
        }
        let gaps = &mut self.gaps[side];
        if !gaps.iter().any(|g| g.action == action) {
            gaps.push(m::Unavailable {
                action: action.to_string(),
                error: error.to_string(),
            });
        }
        Ok(())
    }
}
