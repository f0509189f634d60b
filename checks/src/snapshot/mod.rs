//! The snapshot: everything a check may read, as one JSON document. A live run collects
//! it, `privpath snapshot` writes it and `--snapshot FILE` reads it, so every check runs
//! the same way on data from AWS or from a file.
//!
//! An array that is absent means "not collected" (the call was denied or skipped): the
//! checks that need it report `unknown` and name the IAM action. An empty array means
//! "collected, there are none".

mod model;

pub use model::*;

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// The snapshot format this build writes. Format 1 (one account and region, the arrays
/// at the top level) still loads, as a snapshot of one scope.
pub const FORMAT_VERSION: u32 = 2;

/// Every snapshot format this build reads.
pub const READABLE_FORMATS: [u32; 2] = [1, 2];

/// A whole snapshot: a header and one [`Scope`] per account × region it holds. A path
/// whose client and API live in different accounts or regions needs two scopes; an
/// audit of an Organization holds hundreds. Ids are unique only within a scope.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Snapshot {
    pub format: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_version: Option<String>,
    pub scopes: Vec<Scope>,
}

/// Everything collected in one account and region, one array per resource kind.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Scope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub region: String,

    #[serde(rename = "Vpcs", default, skip_serializing_if = "Option::is_none")]
    pub vpcs: Option<Vec<Vpc>>,
    #[serde(rename = "Subnets", default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<Vec<Subnet>>,
    #[serde(
        rename = "RouteTables",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub route_tables: Option<Vec<RouteTable>>,
    #[serde(
        rename = "SecurityGroups",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub security_groups: Option<Vec<SecurityGroup>>,
    #[serde(
        rename = "NetworkAcls",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub network_acls: Option<Vec<NetworkAcl>>,
    #[serde(
        rename = "VpcPeeringConnections",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub vpc_peering_connections: Option<Vec<VpcPeeringConnection>>,
    #[serde(
        rename = "VpcEndpoints",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub vpc_endpoints: Option<Vec<VpcEndpoint>>,
    #[serde(rename = "Instances", default, skip_serializing_if = "Option::is_none")]
    pub instances: Option<Vec<Instance>>,
    #[serde(
        rename = "InstanceInformationList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub instance_information_list: Option<Vec<InstanceInformation>>,
    #[serde(
        rename = "InstanceProfiles",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub instance_profiles: Option<Vec<InstanceProfile>>,
    #[serde(
        rename = "RoleDetailList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub role_detail_list: Option<Vec<RoleDetail>>,
    #[serde(rename = "RestApis", default, skip_serializing_if = "Option::is_none")]
    pub rest_apis: Option<Vec<RestApi>>,
    #[serde(
        rename = "VpcAttributes",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub vpc_attributes: Option<Vec<VpcAttribute>>,
    #[serde(rename = "Policies", default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<ManagedPolicy>>,
    #[serde(rename = "Stages", default, skip_serializing_if = "Option::is_none")]
    pub stages: Option<Vec<Stage>>,
    #[serde(rename = "Resources", default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<ApiResource>>,
    #[serde(
        rename = "Deployments",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub deployments: Option<Vec<Deployment>>,
    #[serde(
        rename = "UsagePlans",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub usage_plans: Option<Vec<UsagePlan>>,
    #[serde(
        rename = "UsagePlanKeys",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub usage_plan_keys: Option<Vec<UsagePlanKey>>,
    #[serde(rename = "ApiKeys", default, skip_serializing_if = "Option::is_none")]
    pub api_keys: Option<Vec<ApiKey>>,
    #[serde(rename = "Functions", default, skip_serializing_if = "Option::is_none")]
    pub functions: Option<Vec<Function>>,
    #[serde(
        rename = "FunctionPolicies",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub function_policies: Option<Vec<FunctionPolicy>>,
    #[serde(
        rename = "DBInstances",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub db_instances: Option<Vec<DbInstance>>,

    // Private custom domain names (a target with a domain only): the domain, its
    // mappings and certificate (the API's scope), access associations (the endpoint
    // owner's), private hosted zones of the client VPC and their records (the client's).
    #[serde(
        rename = "DomainNames",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub domain_names: Option<Vec<DomainName>>,
    #[serde(
        rename = "BasePathMappings",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub base_path_mappings: Option<Vec<BasePathMapping>>,
    #[serde(
        rename = "DomainNameAccessAssociations",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub domain_name_access_associations: Option<Vec<DomainNameAccessAssociation>>,
    #[serde(
        rename = "HostedZones",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub hosted_zones: Option<Vec<HostedZoneSummary>>,
    #[serde(
        rename = "ResourceRecordSets",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_record_sets: Option<Vec<ResourceRecordSet>>,
    #[serde(
        rename = "Certificates",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub certificates: Option<Vec<Certificate>>,

    // Transit gateways on the path: the TGWs and attachments each side sees, and the
    // routes of the route tables the attachments are associated with (the TGW owner's).
    #[serde(
        rename = "TransitGateways",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transit_gateways: Option<Vec<TransitGateway>>,
    #[serde(
        rename = "TransitGatewayVpcAttachments",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transit_gateway_vpc_attachments: Option<Vec<TransitGatewayVpcAttachment>>,
    #[serde(
        rename = "TransitGatewayAttachments",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transit_gateway_attachments: Option<Vec<TransitGatewayAttachment>>,
    #[serde(
        rename = "TransitGatewayPeeringAttachments",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transit_gateway_peering_attachments: Option<Vec<TransitGatewayPeeringAttachment>>,
    #[serde(
        rename = "TransitGatewayRoutes",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transit_gateway_routes: Option<Vec<TransitGatewayRoute>>,

    // Account-region settings: Default Host Management Configuration's service setting,
    // VPC Block Public Access's mode and exclusions (the client's scope).
    #[serde(
        rename = "ServiceSettings",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub service_settings: Option<Vec<ServiceSetting>>,
    #[serde(
        rename = "VpcBlockPublicAccessOptions",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub vpc_block_public_access_options: Option<Vec<VpcBlockPublicAccessOptions>>,
    #[serde(
        rename = "VpcBlockPublicAccessExclusions",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub vpc_block_public_access_exclusions: Option<Vec<VpcBlockPublicAccessExclusion>>,
    // A private integration (a method whose integration goes through a VPC link): the
    // link (V1 or V2), its load balancer, listeners, target groups and their targets'
    // health, and the network interfaces of the targets whose groups judge the traffic.
    #[serde(rename = "VpcLinks", default, skip_serializing_if = "Option::is_none")]
    pub vpc_links: Option<Vec<VpcLink>>,
    #[serde(
        rename = "VpcLinksV2",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub vpc_links_v2: Option<Vec<VpcLinkV2>>,
    #[serde(
        rename = "LoadBalancers",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub load_balancers: Option<Vec<LoadBalancer>>,
    #[serde(rename = "Listeners", default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<Listener>>,
    #[serde(
        rename = "TargetGroups",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub target_groups: Option<Vec<TargetGroup>>,
    #[serde(
        rename = "TargetHealthDescriptions",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub target_health_descriptions: Option<Vec<TargetHealthDescription>>,
    #[serde(
        rename = "NetworkInterfaces",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub network_interfaces: Option<Vec<NetworkInterface>>,

    /// Calls a live run could not make, so a check can say why its data is missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<Unavailable>,
}

/// A collection failure recorded in the snapshot.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Unavailable {
    /// The IAM action of the call, e.g. `ssm:DescribeInstanceInformation`.
    pub action: String,
    /// What AWS (or the network) said, e.g. `AccessDeniedException: …`.
    pub error: String,
}

/// One array of the snapshot, the CLI command that yields it and the IAM action a
/// live run needs for it. `docs/snapshot-format.md` is written from the same facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    Vpcs,
    Subnets,
    RouteTables,
    SecurityGroups,
    NetworkAcls,
    VpcPeeringConnections,
    VpcEndpoints,
    Instances,
    InstanceInformationList,
    InstanceProfiles,
    RoleDetailList,
    RestApis,
    VpcAttributes,
    Policies,
    Stages,
    Resources,
    Deployments,
    UsagePlans,
    UsagePlanKeys,
    ApiKeys,
    Functions,
    FunctionPolicies,
    DBInstances,
    DomainNames,
    BasePathMappings,
    DomainNameAccessAssociations,
    HostedZones,
    ResourceRecordSets,
    Certificates,
    TransitGateways,
    TransitGatewayVpcAttachments,
    TransitGatewayAttachments,
    TransitGatewayPeeringAttachments,
    TransitGatewayRoutes,
    ServiceSettings,
    VpcBlockPublicAccessOptions,
    VpcBlockPublicAccessExclusions,
    VpcLinks,
    VpcLinksV2,
    LoadBalancers,
    Listeners,
    TargetGroups,
    TargetHealthDescriptions,
    NetworkInterfaces,
}

impl Source {
    pub const ALL: [Source; 44] = [
        Source::Vpcs,
        Source::Subnets,
        Source::RouteTables,
        Source::SecurityGroups,
        Source::NetworkAcls,
        Source::VpcPeeringConnections,
        Source::VpcEndpoints,
        Source::Instances,
        Source::InstanceInformationList,
        Source::InstanceProfiles,
        Source::RoleDetailList,
        Source::RestApis,
        Source::VpcAttributes,
        Source::Policies,
        Source::Stages,
        Source::Resources,
        Source::Deployments,
        Source::UsagePlans,
        Source::UsagePlanKeys,
        Source::ApiKeys,
        Source::Functions,
        Source::FunctionPolicies,
        Source::DBInstances,
        Source::DomainNames,
        Source::BasePathMappings,
        Source::DomainNameAccessAssociations,
        Source::HostedZones,
        Source::ResourceRecordSets,
        Source::Certificates,
        Source::TransitGateways,
        Source::TransitGatewayVpcAttachments,
        Source::TransitGatewayAttachments,
        Source::TransitGatewayPeeringAttachments,
        Source::TransitGatewayRoutes,
        Source::ServiceSettings,
        Source::VpcBlockPublicAccessOptions,
        Source::VpcBlockPublicAccessExclusions,
        Source::VpcLinks,
        Source::VpcLinksV2,
        Source::LoadBalancers,
        Source::Listeners,
        Source::TargetGroups,
        Source::TargetHealthDescriptions,
        Source::NetworkInterfaces,
    ];

    /// The array's key in the snapshot.
    pub fn key(self) -> &'static str {
        match self {
            Source::Vpcs => "Vpcs",
            Source::Subnets => "Subnets",
            Source::RouteTables => "RouteTables",
            Source::SecurityGroups => "SecurityGroups",
            Source::NetworkAcls => "NetworkAcls",
            Source::VpcPeeringConnections => "VpcPeeringConnections",
            Source::VpcEndpoints => "VpcEndpoints",
            Source::Instances => "Instances",
            Source::InstanceInformationList => "InstanceInformationList",
            Source::InstanceProfiles => "InstanceProfiles",
            Source::RoleDetailList => "RoleDetailList",
            Source::RestApis => "RestApis",
            Source::VpcAttributes => "VpcAttributes",
            Source::Policies => "Policies",
            Source::Stages => "Stages",
            Source::Resources => "Resources",
            Source::Deployments => "Deployments",
            Source::UsagePlans => "UsagePlans",
            Source::UsagePlanKeys => "UsagePlanKeys",
            Source::ApiKeys => "ApiKeys",
            Source::Functions => "Functions",
            Source::FunctionPolicies => "FunctionPolicies",
            Source::DBInstances => "DBInstances",
            Source::DomainNames => "DomainNames",
            Source::BasePathMappings => "BasePathMappings",
            Source::DomainNameAccessAssociations => "DomainNameAccessAssociations",
            Source::HostedZones => "HostedZones",
            Source::ResourceRecordSets => "ResourceRecordSets",
            Source::Certificates => "Certificates",
            Source::TransitGateways => "TransitGateways",
            Source::TransitGatewayVpcAttachments => "TransitGatewayVpcAttachments",
            Source::TransitGatewayAttachments => "TransitGatewayAttachments",
            Source::TransitGatewayPeeringAttachments => "TransitGatewayPeeringAttachments",
            Source::TransitGatewayRoutes => "TransitGatewayRoutes",
            Source::ServiceSettings => "ServiceSettings",
            Source::VpcBlockPublicAccessOptions => "VpcBlockPublicAccessOptions",
            Source::VpcBlockPublicAccessExclusions => "VpcBlockPublicAccessExclusions",
            Source::VpcLinks => "VpcLinks",
            Source::VpcLinksV2 => "VpcLinksV2",
            Source::LoadBalancers => "LoadBalancers",
            Source::Listeners => "Listeners",
            Source::TargetGroups => "TargetGroups",
            Source::TargetHealthDescriptions => "TargetHealthDescriptions",
            Source::NetworkInterfaces => "NetworkInterfaces",
        }
    }

    /// The IAM action a live run needs to fill the array.
    pub fn iam_action(self) -> &'static str {
        match self {
            Source::Vpcs => "ec2:DescribeVpcs",
            Source::Subnets => "ec2:DescribeSubnets",
            Source::RouteTables => "ec2:DescribeRouteTables",
            Source::SecurityGroups => "ec2:DescribeSecurityGroups",
            Source::NetworkAcls => "ec2:DescribeNetworkAcls",
            Source::VpcPeeringConnections => "ec2:DescribeVpcPeeringConnections",
            Source::VpcEndpoints => "ec2:DescribeVpcEndpoints",
            Source::Instances => "ec2:DescribeInstances",
            Source::InstanceInformationList => "ssm:DescribeInstanceInformation",
            Source::InstanceProfiles => "iam:GetInstanceProfile",
            Source::RoleDetailList => "iam:ListAttachedRolePolicies",
            Source::RestApis => "apigateway:GET",
            Source::VpcAttributes => "ec2:DescribeVpcAttribute",
            Source::Policies => "iam:GetPolicyVersion",
            Source::Stages => "apigateway:GET",
            Source::Resources => "apigateway:GET",
            Source::Deployments => "apigateway:GET",
            Source::UsagePlans => "apigateway:GET",
            Source::UsagePlanKeys => "apigateway:GET",
            Source::ApiKeys => "apigateway:GET",
            Source::Functions => "lambda:GetFunctionConfiguration",
            Source::FunctionPolicies => "lambda:GetPolicy",
            Source::DBInstances => "rds:DescribeDBInstances",
            Source::DomainNames => "apigateway:GET",
            Source::BasePathMappings => "apigateway:GET",
            Source::DomainNameAccessAssociations => "apigateway:GET",
            Source::HostedZones => "route53:ListHostedZonesByVPC",
            Source::ResourceRecordSets => "route53:ListResourceRecordSets",
            Source::Certificates => "acm:DescribeCertificate",
            Source::TransitGateways => "ec2:DescribeTransitGateways",
            Source::TransitGatewayVpcAttachments => "ec2:DescribeTransitGatewayVpcAttachments",
            Source::TransitGatewayAttachments => "ec2:DescribeTransitGatewayAttachments",
            Source::TransitGatewayPeeringAttachments => {
                "ec2:DescribeTransitGatewayPeeringAttachments"
            }
            Source::TransitGatewayRoutes => "ec2:SearchTransitGatewayRoutes",
            Source::ServiceSettings => "ssm:GetServiceSetting",
            Source::VpcBlockPublicAccessOptions => "ec2:DescribeVpcBlockPublicAccessOptions",
            Source::VpcBlockPublicAccessExclusions => "ec2:DescribeVpcBlockPublicAccessExclusions",
            // API Gateway authorizes both versions' VPC links as apigateway:GET on
            // /vpclinks/ID.
            Source::VpcLinks | Source::VpcLinksV2 => "apigateway:GET",
            Source::LoadBalancers => "elasticloadbalancing:DescribeLoadBalancers",
            Source::Listeners => "elasticloadbalancing:DescribeListeners",
            Source::TargetGroups => "elasticloadbalancing:DescribeTargetGroups",
            Source::TargetHealthDescriptions => "elasticloadbalancing:DescribeTargetHealth",
            Source::NetworkInterfaces => "ec2:DescribeNetworkInterfaces",
        }
    }

    /// The AWS CLI command whose output holds the array's records.
    pub fn cli_command(self) -> &'static str {
        match self {
            Source::Vpcs => "aws ec2 describe-vpcs --vpc-ids VPC_A VPC_B",
            Source::Subnets => "aws ec2 describe-subnets --filters Name=vpc-id,Values=VPC_A,VPC_B",
            Source::RouteTables => {
                "aws ec2 describe-route-tables --filters Name=vpc-id,Values=VPC_A,VPC_B"
            }
            Source::SecurityGroups => {
                "aws ec2 describe-security-groups --filters Name=vpc-id,Values=VPC_A,VPC_B"
            }
            Source::NetworkAcls => {
                "aws ec2 describe-network-acls --filters Name=vpc-id,Values=VPC_A,VPC_B"
            }
            Source::VpcPeeringConnections => "aws ec2 describe-vpc-peering-connections",
            Source::VpcEndpoints => {
                "aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=VPC_A,VPC_B"
            }
            Source::Instances => {
                "aws ec2 describe-instances --instance-ids i-… --query 'Reservations[].Instances[]'"
            }
            Source::InstanceInformationList => {
                "aws ssm describe-instance-information --filters Key=InstanceIds,Values=i-…"
            }
            Source::InstanceProfiles => {
                "aws iam get-instance-profile --instance-profile-name NAME --query InstanceProfile"
            }
            Source::RoleDetailList => {
                "aws iam get-account-authorization-details --filter Role --query 'RoleDetailList[?RoleName==`NAME`]'"
            }
            Source::RestApis => "aws apigateway get-rest-apis --query items",
            Source::VpcAttributes => "aws ec2 describe-vpc-attribute --vpc-id VPC --attribute enableDnsSupport (and enableDnsHostnames), merged per VPC",
            Source::Policies => "aws iam get-account-authorization-details --filter LocalManagedPolicy --query Policies",
            Source::Stages => "aws apigateway get-stages --rest-api-id API --query item",
            Source::Resources => "aws apigateway get-resources --rest-api-id API --embed methods --query items",
            Source::Deployments => "aws apigateway get-deployment --rest-api-id API --deployment-id D --embed apisummary",
            Source::UsagePlans => "aws apigateway get-usage-plans --query items",
            Source::UsagePlanKeys => "aws apigateway get-usage-plan-keys --usage-plan-id PLAN --query 'items[].{id:id,type:type,name:name}'",
            Source::ApiKeys => "aws apigateway get-api-keys --query items",
            Source::Functions => "aws lambda get-function-configuration --function-name F",
            Source::FunctionPolicies => "aws lambda get-policy --function-name F",
            Source::DBInstances => "aws rds describe-db-instances --query DBInstances",
            Source::DomainNames => "aws apigateway get-domain-names --resource-owner SELF --query items (a private one's policy: aws apigateway get-domain-name --domain-name NAME --domain-name-id ID)",
            Source::BasePathMappings => "aws apigateway get-base-path-mappings --domain-name NAME --domain-name-id ID --query items, each with domainName and domainNameId added",
            Source::DomainNameAccessAssociations => "aws apigateway get-domain-name-access-associations --resource-owner SELF --query items (and OTHER_ACCOUNTS in the domain's account)",
            Source::HostedZones => "aws route53 list-hosted-zones-by-vpc --vpc-id VPC_A --vpc-region REGION --query HostedZoneSummaries, each with VPCId and VPCRegion added",
            Source::ResourceRecordSets => "aws route53 list-resource-record-sets --hosted-zone-id ZONE --query ResourceRecordSets, each with HostedZoneId added",
            Source::Certificates => "aws acm describe-certificate --certificate-arn ARN --query Certificate",
            Source::TransitGateways => "aws ec2 describe-transit-gateways --transit-gateway-ids TGW --query TransitGateways",
            Source::TransitGatewayVpcAttachments => "aws ec2 describe-transit-gateway-vpc-attachments --filters Name=vpc-id,Values=VPC_A,VPC_B --query TransitGatewayVpcAttachments",
            Source::TransitGatewayAttachments => "aws ec2 describe-transit-gateway-attachments --filters Name=resource-id,Values=VPC_A,VPC_B --query TransitGatewayAttachments",
            Source::TransitGatewayPeeringAttachments => "aws ec2 describe-transit-gateway-peering-attachments --filters Name=transit-gateway-id,Values=TGW --query TransitGatewayPeeringAttachments",
            Source::ServiceSettings => "aws ssm get-service-setting --setting-id /ssm/managed-instance/default-ec2-instance-management-role --query ServiceSetting",
            Source::VpcBlockPublicAccessOptions => "aws ec2 describe-vpc-block-public-access-options --query VpcBlockPublicAccessOptions (one record, in an array)",
            Source::VpcBlockPublicAccessExclusions => "aws ec2 describe-vpc-block-public-access-exclusions --query VpcBlockPublicAccessExclusions",
            Source::TransitGatewayRoutes => "aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id RTB --filters Name=type,Values=static,propagated --query Routes, each with TransitGatewayRouteTableId added (as the TGW's owner)",
            Source::VpcLinks => "aws apigateway get-vpc-link --vpc-link-id LINK (VPC link V1)",
            Source::VpcLinksV2 => "aws apigatewayv2 get-vpc-link --vpc-link-id LINK (VPC link V2)",
            Source::LoadBalancers => "aws elbv2 describe-load-balancers --load-balancer-arns ARN --query LoadBalancers",
            Source::Listeners => "aws elbv2 describe-listeners --load-balancer-arn ARN --query Listeners",
            Source::TargetGroups => "aws elbv2 describe-target-groups --load-balancer-arn ARN --query TargetGroups",
            Source::TargetHealthDescriptions => "aws elbv2 describe-target-health --target-group-arn TG --query TargetHealthDescriptions, each with TargetGroupArn added",
            Source::NetworkInterfaces => "aws ec2 describe-network-interfaces --filters Name=attachment.instance-id,Values=i-… (and Name=addresses.private-ip-address for IP targets) --query NetworkInterfaces",
        }
    }

    pub fn is_present(self, snapshot: &Scope) -> bool {
        match self {
            Source::Vpcs => snapshot.vpcs.is_some(),
            Source::Subnets => snapshot.subnets.is_some(),
            Source::RouteTables => snapshot.route_tables.is_some(),
            Source::SecurityGroups => snapshot.security_groups.is_some(),
            Source::NetworkAcls => snapshot.network_acls.is_some(),
            Source::VpcPeeringConnections => snapshot.vpc_peering_connections.is_some(),
            Source::VpcEndpoints => snapshot.vpc_endpoints.is_some(),
            Source::Instances => snapshot.instances.is_some(),
            Source::InstanceInformationList => snapshot.instance_information_list.is_some(),
            Source::InstanceProfiles => snapshot.instance_profiles.is_some(),
            Source::RoleDetailList => snapshot.role_detail_list.is_some(),
            Source::RestApis => snapshot.rest_apis.is_some(),
            Source::VpcAttributes => snapshot.vpc_attributes.is_some(),
            Source::Policies => snapshot.policies.is_some(),
            Source::Stages => snapshot.stages.is_some(),
            Source::Resources => snapshot.resources.is_some(),
            Source::Deployments => snapshot.deployments.is_some(),
            Source::UsagePlans => snapshot.usage_plans.is_some(),
            Source::UsagePlanKeys => snapshot.usage_plan_keys.is_some(),
            Source::ApiKeys => snapshot.api_keys.is_some(),
            Source::Functions => snapshot.functions.is_some(),
            Source::FunctionPolicies => snapshot.function_policies.is_some(),
            Source::DBInstances => snapshot.db_instances.is_some(),
            Source::DomainNames => snapshot.domain_names.is_some(),
            Source::BasePathMappings => snapshot.base_path_mappings.is_some(),
            Source::DomainNameAccessAssociations => {
                snapshot.domain_name_access_associations.is_some()
            }
            Source::HostedZones => snapshot.hosted_zones.is_some(),
            Source::ResourceRecordSets => snapshot.resource_record_sets.is_some(),
            Source::Certificates => snapshot.certificates.is_some(),
            Source::TransitGateways => snapshot.transit_gateways.is_some(),
            Source::TransitGatewayVpcAttachments => {
                snapshot.transit_gateway_vpc_attachments.is_some()
            }
            Source::TransitGatewayAttachments => snapshot.transit_gateway_attachments.is_some(),
            Source::TransitGatewayPeeringAttachments => {
                snapshot.transit_gateway_peering_attachments.is_some()
            }
            Source::TransitGatewayRoutes => snapshot.transit_gateway_routes.is_some(),
            Source::ServiceSettings => snapshot.service_settings.is_some(),
            Source::VpcBlockPublicAccessOptions => {
                snapshot.vpc_block_public_access_options.is_some()
            }
            Source::VpcBlockPublicAccessExclusions => {
                snapshot.vpc_block_public_access_exclusions.is_some()
            }
            Source::VpcLinks => snapshot.vpc_links.is_some(),
            Source::VpcLinksV2 => snapshot.vpc_links_v2.is_some(),
            Source::LoadBalancers => snapshot.load_balancers.is_some(),
            Source::Listeners => snapshot.listeners.is_some(),
            Source::TargetGroups => snapshot.target_groups.is_some(),
            Source::TargetHealthDescriptions => snapshot.target_health_descriptions.is_some(),
            Source::NetworkInterfaces => snapshot.network_interfaces.is_some(),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Why a snapshot could not be read. The CLI prefixes the file name.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SnapshotError {
    #[error("the file is empty")]
    Empty,
    #[error("truncated JSON: the document ends early (line {line}, column {column})")]
    Truncated { line: usize, column: usize },
    #[error("not JSON: {message} (line {line}, column {column})")]
    NotJson {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("not a privpath snapshot: the top level is {found}, expected an object")]
    NotAnObject { found: &'static str },
    #[error("not a privpath snapshot: no `format` field (expected \"format\": {FORMAT_VERSION})")]
    MissingFormat,
    #[error(
        "unsupported snapshot format {found}: this privpath reads formats 1 and {FORMAT_VERSION}"
    )]
    WrongVersion { found: String },
    #[error("the snapshot holds no scope: `scopes` is empty")]
    NoScope,
    #[error("scopes {first} and {second} are both {key}: each account × region may appear once")]
    DuplicateScope {
        key: String,
        first: usize,
        second: usize,
    },
    #[error("at {path}: {message}")]
    Invalid { path: String, message: String },
}

impl Snapshot {
    /// Parses a snapshot from bytes. Never panics; every failure names where it is.
    pub fn from_slice(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(SnapshotError::Empty);
        }
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
            if e.is_eof() {
                SnapshotError::Truncated {
                    line: e.line(),
                    column: e.column(),
                }
            } else {
                SnapshotError::NotJson {
                    message: strip_position(&e.to_string()),
                    line: e.line(),
                    column: e.column(),
                }
            }
        })?;
        let object = value.as_object().ok_or(SnapshotError::NotAnObject {
            found: json_kind(&value),
        })?;
        // The version is checked before the body so that a file from a newer privpath
        // says so, rather than failing on whatever field changed.
        let version = match object.get("format") {
            None => return Err(SnapshotError::MissingFormat),
            Some(v) => match v.as_u64() {
                Some(n) if READABLE_FORMATS.iter().any(|f| u64::from(*f) == n) => n,
                _ => {
                    return Err(SnapshotError::WrongVersion {
                        found: v.to_string(),
                    })
                }
            },
        };
        let invalid = |e: serde_path_to_error::Error<serde_json::Error>| SnapshotError::Invalid {
            path: json_path(&e.path().to_string()),
            message: strip_position(&e.inner().to_string()),
        };
        if version == 1 {
            // Format 1 is one scope with the header beside its arrays.
            let text = |key: &str| object.get(key).and_then(|v| v.as_str()).map(str::to_string);
            let (captured_at, tool_version) = (text("captured_at"), text("tool_version"));
            let scope: Scope = serde_path_to_error::deserialize(value).map_err(invalid)?;
            return Ok(Snapshot {
                format: FORMAT_VERSION,
                captured_at,
                tool_version,
                scopes: vec![scope],
            });
        }
        let snapshot: Snapshot = serde_path_to_error::deserialize(value).map_err(invalid)?;
        if snapshot.scopes.is_empty() {
            return Err(SnapshotError::NoScope);
        }
        let mut seen: std::collections::HashMap<String, usize> =
            std::collections::HashMap::with_capacity(snapshot.scopes.len());
        for (i, scope) in snapshot.scopes.iter().enumerate() {
            if let Some(first) = seen.insert(scope.label(), i) {
                return Err(SnapshotError::DuplicateScope {
                    key: scope.label(),
                    first,
                    second: i,
                });
            }
        }
        Ok(Snapshot {
            format: FORMAT_VERSION,
            ..snapshot
        })
    }

    /// A snapshot of one scope.
    pub fn single(scope: Scope) -> Snapshot {
        Snapshot {
            format: FORMAT_VERSION,
            captured_at: None,
            tool_version: None,
            scopes: vec![scope],
        }
    }

    pub fn to_json_pretty(&self) -> String {
        // Serialising plain structs of strings, numbers and `Value`s cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Scope {
    /// Why `source` is missing: the recorded collection error, if any.
    pub fn unavailable_reason(&self, source: Source) -> Option<&str> {
        self.unavailable
            .iter()
            .find(|u| u.action == source.iam_action())
            .map(|u| u.error.as_str())
    }

    /// Why nothing of the scope could be read (its credentials failed: a role not
    /// assumable, a region not enabled), when that is so: no array collected and the
    /// failures recorded.
    pub fn unreadable(&self) -> Option<String> {
        if self.unavailable.is_empty() || Source::ALL.iter().any(|s| s.is_present(self)) {
            return None;
        }
        Some(
            self.unavailable
                .iter()
                .map(|u| format!("{}: {}", u.action, u.error))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    /// How people and reports name the scope: `ACCOUNT/REGION`, or the region alone when
    /// the account is not known (a hand-made format-1 file).
    pub fn label(&self) -> String {
        match &self.account {
            Some(a) => format!("{a}/{}", self.region),
            None => self.region.clone(),
        }
    }

    /// Whether two scopes are the same account and region. An unknown account matches
    /// any: a format-1 file without one describes one account.
    pub fn same_place(&self, other: &Scope) -> bool {
        self.region == other.region
            && match (&self.account, &other.account) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// serde_path_to_error prints `Subnets[0].CidrBlock`; `.` means the root.
fn json_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        "$".to_string()
    } else {
        format!("$.{path}")
    }
}

/// serde_json appends " at line L column C" to its messages; the error carries those
/// separately (or they are meaningless after a `Value` round trip).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> SnapshotError {
        Snapshot::from_slice(bytes).expect_err("must be rejected")
    }

    #[test]
    fn classifies_bad_input() {
        assert_eq!(err(b"  \n"), SnapshotError::Empty);
        assert!(matches!(
            Snapshot::from_slice(b"{\"format\": 1, \"region\""),
            Err(SnapshotError::Truncated { line: 1, .. })
        ));
        assert!(matches!(
            Snapshot::from_slice(b"hello"),
            Err(SnapshotError::NotJson { .. })
        ));
        assert_eq!(
            err(b"[1]"),
            SnapshotError::NotAnObject { found: "an array" }
        );
        assert_eq!(
            err(b"{\"region\":\"us-east-1\"}"),
            SnapshotError::MissingFormat
        );
        assert_eq!(
            err(b"{\"format\": 7, \"region\":\"us-east-1\"}"),
            SnapshotError::WrongVersion {
                found: "7".to_string()
            }
        );
    }

    #[test]
    fn names_the_json_path_of_a_bad_field() {
        let err = Snapshot::from_slice(
            br#"{"format":1,"region":"r","Subnets":[{"SubnetId":"s","VpcId":"v","CidrBlock":7}]}"#,
        )
        .unwrap_err();
        match err {
            SnapshotError::Invalid { path, message } => {
                assert_eq!(path, "$.Subnets[0].CidrBlock");
                assert!(message.contains("expected a string"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn absent_array_differs_from_empty_and_unknown_fields_are_ignored() {
        let s = Snapshot::from_slice(
            br#"{"format":1,"region":"r","Subnets":[],"SomethingNew":{"x":1}}"#,
        )
        .unwrap();
        assert!(Source::Subnets.is_present(&s.scopes[0]));
        assert!(!Source::Vpcs.is_present(&s.scopes[0]));
    }

    #[test]
    fn format_1_loads_as_one_scope() {
        let s = Snapshot::from_slice(
            br#"{"format":1,"region":"eu-west-1","account":"111122223333","captured_at":"t","Vpcs":[]}"#,
        )
        .unwrap();
        assert_eq!(s.format, FORMAT_VERSION);
        assert_eq!(s.captured_at.as_deref(), Some("t"));
        assert_eq!(s.scopes.len(), 1);
        assert_eq!(s.scopes[0].label(), "111122223333/eu-west-1");
        assert!(Source::Vpcs.is_present(&s.scopes[0]));
    }

    #[test]
    fn format_2_holds_scopes_and_names_bad_fields_inside_them() {
        let s = Snapshot::from_slice(
            br#"{"format":2,"scopes":[{"account":"1","region":"a","Vpcs":[]},{"account":"2","region":"a"}]}"#,
        )
        .unwrap();
        assert_eq!(s.scopes.len(), 2);
        assert!(!Source::Vpcs.is_present(&s.scopes[1]));
        match Snapshot::from_slice(
            br#"{"format":2,"scopes":[{"region":"a"},{"region":"b","Subnets":[{"SubnetId":1}]}]}"#,
        )
        .unwrap_err()
        {
            SnapshotError::Invalid { path, .. } => {
                assert_eq!(path, "$.scopes[1].Subnets[0].SubnetId")
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(err(br#"{"format":2,"scopes":[]}"#), SnapshotError::NoScope);
        assert_eq!(
            err(br#"{"format":2,"scopes":[{"account":"1","region":"a"},{"account":"1","region":"a"}]}"#),
            SnapshotError::DuplicateScope {
                key: "1/a".to_string(),
                first: 0,
                second: 1
            }
        );
    }
}
