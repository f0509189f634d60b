//! Records as AWS prints them. EC2, SSM and IAM fields are PascalCase, API Gateway's
//! camelCase, exactly as `aws … describe-*`/`get-*` output them, so a user can paste CLI
//! output into a snapshot and a developer can look a field up in the AWS API reference.
//! Only the fields a check reads are modelled; serde ignores the rest.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// `aws ec2 describe-vpcs` → `Vpcs[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Vpc {
    pub vpc_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cidr_block_association_set: Vec<CidrBlockAssociation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CidrBlockAssociation {
    pub cidr_block: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block_state: Option<StateName>,
}

/// `{ "State": "associated" }` and friends.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StateName {
    #[serde(default)]
    pub state: String,
}

/// `aws ec2 describe-subnets` → `Subnets[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subnet {
    pub subnet_id: String,
    pub vpc_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// The zone's id (`use1-az1`): the same zone in every account, where names differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone_id: Option<String>,
}

/// `aws ec2 describe-route-tables` → `RouteTables[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTable {
    pub route_table_id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub associations: Vec<RouteTableAssociation>,
    #[serde(default)]
    pub routes: Vec<Route>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTableAssociation {
    #[serde(default)]
    pub main: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table_association_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_state: Option<StateName>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Route {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_prefix_list_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat_gateway_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress_only_internet_gateway_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_gateway_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_gateway_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_network_arn: Option<String>,
    /// `active` or `blackhole`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// `aws ec2 describe-security-groups` → `SecurityGroups[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    pub group_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub ip_permissions: Vec<IpPermission>,
    #[serde(default)]
    pub ip_permissions_egress: Vec<IpPermission>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpPermission {
    /// `-1` (all), `tcp`, `udp`, `icmp`, or a protocol number as a string.
    pub ip_protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ip_ranges: Vec<IpRange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_id_group_pairs: Vec<UserIdGroupPair>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_list_ids: Vec<PrefixListId>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpRange {
    pub cidr_ip: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserIdGroupPair {
    pub group_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_peering_connection_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixListId {
    pub prefix_list_id: String,
}

/// `aws ec2 describe-network-acls` → `NetworkAcls[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAcl {
    pub network_acl_id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub associations: Vec<NetworkAclAssociation>,
    #[serde(default)]
    pub entries: Vec<NetworkAclEntry>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclAssociation {
    pub subnet_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acl_association_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclEntry {
    pub rule_number: i64,
    /// `-1` or a protocol number as a string (`6` is TCP).
    pub protocol: String,
    /// `allow` or `deny`.
    pub rule_action: String,
    pub egress: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_range: Option<PortRange>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PortRange {
    pub from: i64,
    pub to: i64,
}

/// `aws ec2 describe-vpc-peering-connections` → `VpcPeeringConnections[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcPeeringConnection {
    pub vpc_peering_connection_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PeeringStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_vpc_info: Option<PeeringVpcInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepter_vpc_info: Option<PeeringVpcInfo>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringStatus {
    /// `initiating-request`, `pending-acceptance`, `active`, `deleted`, `rejected`,
    /// `failed`, `expired`, `provisioning`, `deleting`.
    #[serde(default)]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringVpcInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cidr_block_set: Vec<CidrBlockOnly>,
}

/// `aws ec2 describe-transit-gateways` → `TransitGateways[]`, in the scope that read it
/// (the TGW's region; a TGW shared through RAM is listed by its users too).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGateway {
    pub transit_gateway_id: String,
    /// `pending`, `available`, `modifying`, `deleting`, `deleted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<TransitGatewayOptions>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_default_route_table_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_default_route_table_id: Option<String>,
    /// `enable` or `disable` (the AWS default for a TGW).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_referencing_support: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_accept_shared_attachments: Option<String>,
}

/// `aws ec2 describe-transit-gateway-vpc-attachments` → `TransitGatewayVpcAttachments[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayVpcAttachment {
    pub transit_gateway_attachment_id: String,
    pub transit_gateway_id: String,
    pub vpc_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_owner_id: Option<String>,
    /// `pendingAcceptance`, `pending`, `available`, `modifying`, `deleting`, `deleted`,
    /// `failed`, `rejected`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// At most one per Availability Zone: where the TGW has network interfaces.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<TransitGatewayVpcAttachmentOptions>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayVpcAttachmentOptions {
    /// `enable` (the AWS default for an attachment) or `disable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_referencing_support: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appliance_mode_support: Option<String>,
}

/// `aws ec2 describe-transit-gateway-attachments` → `TransitGatewayAttachments[]`: the
/// one call that says which route table an attachment is associated with.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayAttachment {
    pub transit_gateway_attachment_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_owner_id: Option<String>,
    /// `vpc`, `peering`, `vpn`, `direct-connect-gateway`, `connect`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association: Option<TransitGatewayAttachmentAssociation>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayAttachmentAssociation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_route_table_id: Option<String>,
    /// Set instead of a route table when the attachment uses a policy table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_policy_table_id: Option<String>,
    /// `associating`, `associated`, `disassociating`, `disassociated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// `aws ec2 describe-transit-gateway-peering-attachments` →
/// `TransitGatewayPeeringAttachments[]`: two TGWs joined (same or another region).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayPeeringAttachment {
    pub transit_gateway_attachment_id: String,
    /// The accepter side's own id for the attachment, when AWS gives it one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepter_transit_gateway_attachment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_tgw_info: Option<PeeringTgwInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepter_tgw_info: Option<PeeringTgwInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringTgwInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// `aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id RTB --filters
/// Name=type,Values=static,propagated` → `Routes[]`, each with the route table's id
/// added (`TransitGatewayRouteTableId`), as Route 53 records carry their zone's.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayRoute {
    pub transit_gateway_route_table_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_list_id: Option<String>,
    /// `static` or `propagated`.
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub route_type: Option<String>,
    /// `active` or `blackhole`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default)]
    pub transit_gateway_attachments: Vec<TransitGatewayRouteAttachment>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayRouteAttachment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_attachment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CidrBlockOnly {
    pub cidr_block: String,
}

/// `aws ec2 describe-vpc-endpoints` → `VpcEndpoints[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcEndpoint {
    pub vpc_endpoint_id: String,
    /// `Interface`, `Gateway`, `GatewayLoadBalancer`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_endpoint_type: Option<String>,
    pub vpc_id: String,
    pub service_name: String,
    /// AWS prints `available`, `pending`, …; the API reference spells them
    /// `Available`, so compare case-insensitively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub groups: Vec<GroupIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_dns_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns_entries: Vec<DnsEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_interface_ids: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupIdentifier {
    pub group_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DnsEntry {
    pub dns_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_zone_id: Option<String>,
}

/// `aws ec2 describe-instances --query 'Reservations[].Instances[]'` → one record each.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Instance {
    pub instance_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip_address: Option<String>,
    #[serde(default)]
    pub security_groups: Vec<GroupIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_instance_profile: Option<IamInstanceProfileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<InstanceState>,
    /// How the instance's metadata service answers: whether IMDSv2 is required
    /// (Default Host Management Configuration needs IMDSv2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_options: Option<InstanceMetadataOptions>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// `Instances[].MetadataOptions` as DescribeInstances returns it
/// (InstanceMetadataOptionsResponse).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceMetadataOptions {
    /// `pending` or `applied`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `optional` (IMDSv1 or IMDSv2) or `required` (IMDSv2 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_tokens: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_put_response_hop_limit: Option<i64>,
    /// `enabled` or `disabled` (no metadata service at all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_protocol_ipv6: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_metadata_tags: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IamInstanceProfileRef {
    pub arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceState {
    #[serde(default)]
    pub name: String,
}

/// `aws ssm describe-instance-information` → `InstanceInformationList[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceInformation {
    pub instance_id: String,
    /// `Online`, `ConnectionLost`, `Inactive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ping_date_time: Option<Value>,
}

/// `aws iam get-instance-profile` → `InstanceProfile`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceProfile {
    pub instance_profile_name: String,
    pub arn: String,
    #[serde(default)]
    pub roles: Vec<RoleRef>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleRef {
    pub role_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

/// `aws iam get-account-authorization-details --filter Role` → `RoleDetailList[]`:
/// the role with its attached managed policies and inline policies in one record.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleDetail {
    pub role_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// Inline policies. `PolicyDocument` is an object as the CLI prints it, or the
    /// URL-encoded string the IAM API returns.
    #[serde(default)]
    pub role_policy_list: Vec<InlinePolicy>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    #[serde(default)]
    pub policy_name: String,
    pub policy_arn: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    #[serde(default)]
    pub policy_document: Value,
}

/// `aws apigateway get-rest-apis` → `items[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestApi {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_configuration: Option<EndpointConfiguration>,
    /// The resource policy: API Gateway returns it as a JSON string with its quotes
    /// backslash-escaped; a hand-written snapshot may give an object. See
    /// [`crate::policy::decode_document`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Value>,
    /// `TLS_1_0`, `TLS_1_2` (legacy) or an enhanced `SecurityPolicy_…` one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_policy: Option<String>,
    /// `STRICT` or `BASIC`; set only with an enhanced (`SecurityPolicy_…`) policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_access_mode: Option<String>,
    /// `AVAILABLE`, `UPDATING` (a policy or mode change takes about 15 minutes),
    /// `PENDING`, `FAILED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_status: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointConfiguration {
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpc_endpoint_ids: Vec<String>,
}

impl EndpointConfiguration {
    /// Whether a (possibly absent) configuration says PRIVATE: APIs and custom domain
    /// names alike.
    pub fn is_private(c: Option<&EndpointConfiguration>) -> bool {
        c.is_some_and(|c| c.types.iter().any(|t| t.eq_ignore_ascii_case("PRIVATE")))
    }

    /// The types as API Gateway names them, `none` when absent.
    pub fn types_of(c: Option<&EndpointConfiguration>) -> String {
        match c {
            Some(c) if !c.types.is_empty() => c.types.join(","),
            _ => "none".to_string(),
        }
    }
}

impl RestApi {
    pub fn is_private(&self) -> bool {
        EndpointConfiguration::is_private(self.endpoint_configuration.as_ref())
    }

    pub fn endpoint_types(&self) -> String {
        EndpointConfiguration::types_of(self.endpoint_configuration.as_ref())
    }

    pub fn associated_endpoint_ids(&self) -> &[String] {
        self.endpoint_configuration
            .as_ref()
            .map_or(&[], |c| c.vpc_endpoint_ids.as_slice())
    }
}

impl VpcEndpoint {
    pub fn is_available(&self) -> bool {
        self.state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("available"))
    }

    pub fn is_interface(&self) -> bool {
        // Absent type: CLI output pasted without it; the service name decides then.
        self.vpc_endpoint_type
            .as_deref()
            .is_none_or(|t| t.eq_ignore_ascii_case("Interface"))
    }

    pub fn state_str(&self) -> &str {
        self.state.as_deref().unwrap_or("unknown")
    }
}

/// `aws ec2 describe-vpc-attribute --attribute enableDnsSupport|enableDnsHostnames` →
/// both answers for one VPC merged into one record.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcAttribute {
    pub vpc_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dns_support: Option<AttributeBoolean>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dns_hostnames: Option<AttributeBoolean>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeBoolean {
    #[serde(default)]
    pub value: bool,
}

/// `aws iam get-account-authorization-details --filter LocalManagedPolicy` →
/// `Policies[]`: a customer managed policy with its versions' documents.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicy {
    #[serde(default)]
    pub policy_name: String,
    pub arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version_id: Option<String>,
    #[serde(default)]
    pub policy_version_list: Vec<PolicyVersion>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    /// An object as the CLI prints it, or the URL-encoded string the IAM API returns.
    #[serde(default)]
    pub document: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(default)]
    pub is_default_version: bool,
}

impl ManagedPolicy {
    /// The document of the default version: the one IAM enforces.
    pub fn default_document(&self) -> Option<&Value> {
        self.policy_version_list
            .iter()
            .find(|v| {
                v.is_default_version
                    || (self.default_version_id.is_some()
                        && v.version_id == self.default_version_id)
            })
            .or(match self.policy_version_list.as_slice() {
                [only] => Some(only),
                _ => None,
            })
            .map(|v| &v.document)
    }
}

/// `aws apigateway get-stages --rest-api-id ID` → `item[]`. `restApiId` is privpath's
/// addition (AWS prints the stage without it); absent means "the API being checked".
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub stage_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest_api_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_date: Option<Value>,
    /// Stage variables: an integration may name its VPC link as
    /// `${stageVariables.NAME}`, resolved on the stage the request is sent to.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub variables: std::collections::BTreeMap<String, String>,
}

/// `aws apigateway get-resources --rest-api-id ID --embed methods` → `items[]`, with
/// privpath's `restApiId` as for [`Stage`].
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResource {
    pub id: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest_api_id: Option<String>,
    /// HTTP method (`POST`, `ANY`, …) → method.
    #[serde(default)]
    pub resource_methods: std::collections::BTreeMap<String, Method>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Method {
    #[serde(default)]
    pub http_method: String,
    /// `NONE`, `AWS_IAM`, `CUSTOM`, `COGNITO_USER_POOLS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_type: Option<String>,
    #[serde(default)]
    pub api_key_required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_integration: Option<Integration>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    /// `AWS_PROXY`, `AWS`, `HTTP`, `HTTP_PROXY`, `MOCK`.
    #[serde(rename = "type", default)]
    pub integration_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_method: Option<String>,
    /// `INTERNET` (the default) or `VPC_LINK`: a private integration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_type: Option<String>,
    /// The VPC link's id, or `${stageVariables.NAME}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    /// With a VPC link V2: the ARN of the load balancer (or of its listener) the
    /// request is sent to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_target: Option<String>,
    /// Milliseconds API Gateway waits for the integration; absent (or 0) is the
    /// default, 29,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_in_millis: Option<i64>,
    /// `BUFFERED` (the default) or `STREAM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_transfer_mode: Option<String>,
}

impl Integration {
    /// Whether the integration goes through a VPC link (a private integration).
    pub fn is_vpc_link(&self) -> bool {
        self.connection_type
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("VPC_LINK"))
    }

    /// Whether API Gateway streams the response (`STREAM`).
    pub fn streams(&self) -> bool {
        self.response_transfer_mode
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("STREAM"))
    }
}

/// `aws apigateway get-vpc-link --vpc-link-id ID` (VPC link V1, which reaches one
/// Network Load Balancer).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VpcLink {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Network Load Balancer's ARN (one).
    #[serde(default)]
    pub target_arns: Vec<String>,
    /// `AVAILABLE`, `PENDING`, `DELETING`, `FAILED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
}

/// `aws apigatewayv2 get-vpc-link --vpc-link-id ID` (VPC link V2: network interfaces in
/// its subnets, with its security groups).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcLinkV2 {
    pub vpc_link_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// `PENDING`, `AVAILABLE`, `DELETING`, `FAILED`, `INACTIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_link_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_link_status_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_link_version: Option<String>,
}

/// `aws elbv2 describe-load-balancers --load-balancer-arns ARN` → `LoadBalancers[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoadBalancer {
    pub load_balancer_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_name: Option<String>,
    #[serde(rename = "DNSName", default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    /// `internal` or `internet-facing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<LoadBalancerState>,
    /// `application`, `network` or `gateway` (an ARN's `app`/`net` is not to be trusted:
    /// emulators print `app` for every type).
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub lb_type: Option<String>,
    #[serde(default)]
    pub availability_zones: Vec<LoadBalancerZone>,
    /// Empty for a Network Load Balancer created without any (it never gets any).
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// `on` (the default once a Network Load Balancer has groups) or `off`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforce_security_group_inbound_rules_on_private_link_traffic: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoadBalancerState {
    /// `active`, `provisioning`, `active_impaired`, `failed`.
    #[serde(default)]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoadBalancerZone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
}

impl LoadBalancer {
    pub fn is_network(&self) -> bool {
        self.lb_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("network"))
    }

    pub fn is_application(&self) -> bool {
        self.lb_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("application"))
    }

    /// Its name, else its ARN: how a finding names it.
    pub fn label(&self) -> &str {
        self.load_balancer_name
            .as_deref()
            .unwrap_or(&self.load_balancer_arn)
    }

    pub fn state_code(&self) -> &str {
        self.state.as_ref().map_or("unknown", |s| s.code.as_str())
    }

    pub fn subnet_ids(&self) -> Vec<&str> {
        self.availability_zones
            .iter()
            .filter_map(|z| z.subnet_id.as_deref())
            .collect()
    }
}

/// `aws elbv2 describe-listeners --load-balancer-arn ARN` → `Listeners[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Listener {
    pub listener_arn: String,
    pub load_balancer_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// `HTTP`, `HTTPS` (ALB); `TCP`, `TLS`, `UDP`, `TCP_UDP` (NLB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default)]
    pub default_actions: Vec<ListenerAction>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, …
    #[serde(rename = "Type", default)]
    pub action_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_config: Option<ForwardConfig>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForwardConfig {
    #[serde(default)]
    pub target_groups: Vec<WeightedTargetGroup>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WeightedTargetGroup {
    pub target_group_arn: String,
}

impl Listener {
    /// The target groups its default action forwards to.
    pub fn forwards_to(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for a in &self.default_actions {
            let arns = a.target_group_arn.iter().map(String::as_str).chain(
                a.forward_config
                    .iter()
                    .flat_map(|f| f.target_groups.iter().map(|t| t.target_group_arn.as_str())),
            );
            for arn in arns {
                if !out.contains(&arn) {
                    out.push(arn);
                }
            }
        }
        out
    }
}

/// `aws elbv2 describe-target-groups --load-balancer-arn ARN` → `TargetGroups[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetGroup {
    pub target_group_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// `instance`, `ip`, `lambda`, `alb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
    #[serde(default)]
    pub load_balancer_arns: Vec<String>,
}

impl TargetGroup {
    pub fn label(&self) -> &str {
        self.target_group_name
            .as_deref()
            .unwrap_or(&self.target_group_arn)
    }
}

/// `aws elbv2 describe-target-health --target-group-arn ARN` →
/// `TargetHealthDescriptions[]`, each with privpath's `TargetGroupArn` added.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetHealthDescription {
    pub target_group_arn: String,
    pub target: TargetDescription,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_port: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_health: Option<TargetHealth>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetDescription {
    /// An instance id, an IP address, a function ARN or an ALB's ARN.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetHealth {
    /// `initial`, `healthy`, `unhealthy`, `unhealthy.draining`, `unused`, `draining`,
    /// `unavailable`.
    #[serde(default)]
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl TargetHealthDescription {
    pub fn state(&self) -> &str {
        self.target_health
            .as_ref()
            .map_or("unknown", |h| h.state.as_str())
    }

    pub fn is_healthy(&self) -> bool {
        self.state().eq_ignore_ascii_case("healthy")
    }
}

/// `aws ec2 describe-network-interfaces` → `NetworkInterfaces[]`: the interfaces of a
/// load balancer's targets (by instance, or by address), for their security groups.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterface {
    pub network_interface_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_ip_addresses: Vec<NetworkInterfaceAddress>,
    #[serde(default)]
    pub groups: Vec<GroupIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<NetworkInterfaceAttachment>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterfaceAddress {
    pub private_ip_address: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterfaceAttachment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_index: Option<i64>,
}

impl NetworkInterface {
    /// Every private address of the interface.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.private_ip_address.as_deref().into_iter().chain(
            self.private_ip_addresses
                .iter()
                .map(|a| a.private_ip_address.as_str()),
        )
    }
}

/// `aws apigateway get-deployment --rest-api-id ID --deployment-id D --embed apisummary`,
/// with privpath's `restApiId` as for [`Stage`].
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest_api_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<Value>,
    /// Resource path → HTTP method → what was deployed. Absent when the summary was not
    /// asked for (`--embed apisummary`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_summary: Option<
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, MethodSnapshot>>,
    >,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodSnapshot {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_type: Option<String>,
    #[serde(default)]
    pub api_key_required: bool,
}

/// `aws apigateway get-usage-plans` → `items[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsagePlan {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub api_stages: Vec<ApiStage>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiStage {
    #[serde(default)]
    pub api_id: String,
    #[serde(default)]
    pub stage: String,
}

/// `aws apigateway get-usage-plan-keys --usage-plan-id P` → `items[]`, with privpath's
/// `usagePlanId`. The key's `value` is never kept.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsagePlanKey {
    pub id: String,
    #[serde(default)]
    pub usage_plan_id: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `aws apigateway get-api-keys` (without `--include-values`) → `items[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub enabled: bool,
}

/// `aws lambda get-function-configuration` (`list-functions` → `Functions[]`). The
/// environment is never kept: it often holds secrets.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Function {
    pub function_name: String,
    #[serde(default)]
    pub function_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_config: Option<FunctionVpcConfig>,
    /// `Pending`, `Active`, `Inactive`, `Failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `python3.12`, `nodejs22.x`, …; absent for a container image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// `Zip` or `Image`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_type: Option<String>,
    /// Seconds the function may run (Lambda's default is 3, its maximum 900).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionVpcConfig {
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
}

/// `aws lambda get-policy --function-name F` → `{Policy}`, with privpath's
/// `FunctionName`. `Policy` is absent when the function has none (AWS answers
/// ResourceNotFoundException).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionPolicy {
    pub function_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Value>,
}

/// `aws rds describe-db-instances` → `DBInstances[]`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct DbInstance {
    #[serde(rename = "DBInstanceIdentifier")]
    pub db_instance_identifier: String,
    #[serde(rename = "DBInstanceStatus", default)]
    pub db_instance_status: String,
    #[serde(rename = "Engine", default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    #[serde(rename = "Endpoint", default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<DbEndpoint>,
    #[serde(
        rename = "DBSubnetGroup",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub db_subnet_group: Option<DbSubnetGroup>,
    #[serde(rename = "VpcSecurityGroups", default)]
    pub vpc_security_groups: Vec<VpcSecurityGroupMembership>,
    /// The certificate authority of the DB's server certificate (`rds-ca-rsa2048-g1`, …).
    #[serde(
        rename = "CACertificateIdentifier",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ca_certificate_identifier: Option<String>,
    #[serde(
        rename = "CertificateDetails",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub certificate_details: Option<DbCertificateDetails>,
}

/// The day (`YYYY-MM-DD`, UTC) of a time AWS gives as an RFC 3339 string (the CLI's
/// output) or as epoch seconds (the API's JSON).
pub fn day_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => s.get(..10).map(str::to_string),
        Value::Number(n) => n
            .as_f64()
            .map(|secs| crate::date::Date::of_epoch_seconds(secs as i64).to_string()),
        _ => None,
    }
}

/// `DBInstances[].CertificateDetails`: the server certificate's CA and end of validity.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct DbCertificateDetails {
    #[serde(
        rename = "CAIdentifier",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ca_identifier: Option<String>,
    /// An RFC 3339 string (the CLI's output) or epoch seconds.
    #[serde(rename = "ValidTill", default, skip_serializing_if = "Option::is_none")]
    pub valid_till: Option<Value>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DbEndpoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DbSubnetGroup {
    #[serde(rename = "DBSubnetGroupName", default)]
    pub db_subnet_group_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnets: Vec<DbSubnet>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DbSubnet {
    pub subnet_identifier: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcSecurityGroupMembership {
    pub vpc_security_group_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

impl DbInstance {
    /// The port clients connect to: the endpoint's, else the engine's default.
    pub fn port(&self) -> Option<u16> {
        let from_endpoint = self
            .endpoint
            .as_ref()
            .and_then(|e| e.port)
            .and_then(|p| u16::try_from(p).ok());
        from_endpoint.or_else(|| {
            let engine = self.engine.as_deref()?.to_ascii_lowercase();
            if engine.contains("postgres") {
                Some(5432)
            } else if engine.contains("mysql") || engine.contains("maria") {
                Some(3306)
            } else if engine.starts_with("sqlserver") {
                Some(1433)
            } else if engine.starts_with("oracle") {
                Some(1521)
            } else {
                None
            }
        })
    }
}

impl Function {
    pub fn vpc_id(&self) -> Option<&str> {
        self.vpc_config
            .as_ref()
            .and_then(|c| c.vpc_id.as_deref())
            .filter(|v| !v.is_empty())
    }
}

/// `aws apigateway get-domain-names --resource-owner SELF --query items` (and
/// `get-domain-name --domain-name N --domain-name-id ID` for a private one's policy).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainName {
    pub domain_name: String,
    /// Set for private custom domain names only; with the name it identifies one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_configuration: Option<EndpointConfiguration>,
    /// `AVAILABLE`, `UPDATING`, `PENDING`, `PENDING_CERTIFICATE_REIMPORT`,
    /// `PENDING_OWNERSHIP_VERIFICATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name_status_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_arn: Option<String>,
    /// The execute-api resource policy of a private domain name: a JSON string as API
    /// Gateway returns it, or an object in a hand-written snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Value>,
    /// As a REST API's: a legacy `TLS_1_0`/`TLS_1_2` or an enhanced `SecurityPolicy_…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_policy: Option<String>,
    /// `STRICT` or `BASIC`, with an enhanced policy only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_access_mode: Option<String>,
}

impl DomainName {
    pub fn is_private(&self) -> bool {
        EndpointConfiguration::is_private(self.endpoint_configuration.as_ref())
    }

    pub fn endpoint_types(&self) -> String {
        EndpointConfiguration::types_of(self.endpoint_configuration.as_ref())
    }

    /// `--domain-name NAME [--domain-name-id ID]`: how the AWS CLI names this one.
    pub fn cli_args(&self) -> String {
        match &self.domain_name_id {
            Some(id) => format!("--domain-name {} --domain-name-id {id}", self.domain_name),
            None => format!("--domain-name {}", self.domain_name),
        }
    }

    /// `NAME+ID`, as the domain's ARNs and the console name a private one.
    pub fn qualified(&self) -> String {
        match &self.domain_name_id {
            Some(id) => format!("{}+{id}", self.domain_name),
            None => self.domain_name.clone(),
        }
    }
}

/// `aws apigateway get-base-path-mappings --domain-name N --domain-name-id ID --query
/// items`, with privpath's `domainName` and `domainNameId` saying whose mapping it is.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BasePathMapping {
    pub domain_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name_id: Option<String>,
    /// `(none)` for the mapping of the empty base path, as API Gateway prints it.
    #[serde(default)]
    pub base_path: String,
    pub rest_api_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
}

impl BasePathMapping {
    /// The base path as the URL carries it: empty for `(none)`.
    pub fn path(&self) -> &str {
        let p = self.base_path.trim_matches('/');
        if p == "(none)" {
            ""
        } else {
            p
        }
    }
}

/// `aws apigateway get-domain-name-access-associations --resource-owner SELF|OTHER_ACCOUNTS
/// --query items`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainNameAccessAssociation {
    #[serde(default)]
    pub domain_name_access_association_arn: String,
    pub domain_name_arn: String,
    /// `VPCE`.
    #[serde(default)]
    pub access_association_source_type: String,
    /// The VPC endpoint id.
    pub access_association_source: String,
}

/// `aws route53 list-hosted-zones-by-vpc --vpc-id V --vpc-region R --query
/// HostedZoneSummaries`, with privpath's `VPCId` and `VPCRegion` saying which VPC the
/// zone is associated with.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HostedZoneSummary {
    pub hosted_zone_id: String,
    /// The zone's name, with or without the trailing dot.
    pub name: String,
    #[serde(rename = "VPCId")]
    pub vpc_id: String,
    #[serde(rename = "VPCRegion", default, skip_serializing_if = "Option::is_none")]
    pub vpc_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<HostedZoneOwner>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HostedZoneOwner {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owning_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owning_service: Option<String>,
}

/// `aws route53 list-resource-record-sets --hosted-zone-id Z --query
/// ResourceRecordSets`, with privpath's `HostedZoneId`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceRecordSet {
    pub hosted_zone_id: String,
    pub name: String,
    #[serde(rename = "Type")]
    pub record_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_target: Option<AliasTarget>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_records: Vec<ResourceRecordValue>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AliasTarget {
    #[serde(default)]
    pub hosted_zone_id: String,
    #[serde(rename = "DNSName")]
    pub dns_name: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceRecordValue {
    pub value: String,
}

/// `aws acm describe-certificate --certificate-arn A --query Certificate`
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Certificate {
    pub certificate_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_alternative_names: Vec<String>,
    /// `ISSUED`, `PENDING_VALIDATION`, `EXPIRED`, `REVOKED`, `FAILED`, …
    #[serde(default)]
    pub status: String,
    /// When it expires: an RFC 3339 string (the CLI's output) or epoch seconds (the
    /// API's JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<Value>,
}

impl Certificate {
    /// The day it expires, `YYYY-MM-DD` (UTC).
    pub fn expires_on(&self) -> Option<String> {
        day_of(self.not_after.as_ref()?)
    }

    /// Whether the certificate's names cover `host` (one wildcard label at most, as TLS).
    pub fn covers(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.domain_name
            .iter()
            .chain(self.subject_alternative_names.iter())
            .any(|n| {
                let n = n.trim_end_matches('.').to_ascii_lowercase();
                match n.strip_prefix("*.") {
                    Some(rest) => host
                        .split_once('.')
                        .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
                    None => n == host,
                }
            })
    }
}

/// `aws ssm get-service-setting --setting-id ID --query ServiceSetting`: an account and
/// region's setting; privpath reads Default Host Management Configuration's.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceSetting {
    /// `/ssm/managed-instance/default-ec2-instance-management-role`.
    pub setting_id: String,
    /// For DHMC the role's name with its IAM path and no leading slash
    /// (`service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting_value: Option<String>,
    /// `Default` (never changed), `Customized`, `PendingUpdate` (AWS's own example
    /// prints `Custom`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(rename = "ARN", default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_date: Option<Value>,
}

/// The setting that names Default Host Management Configuration's role.
pub const DHMC_SETTING_ID: &str = "/ssm/managed-instance/default-ec2-instance-management-role";

impl ServiceSetting {
    /// Whether this is DHMC's setting (its path, or the ARN ending in it).
    pub fn is_dhmc(&self) -> bool {
        self.setting_id == DHMC_SETTING_ID
            || self
                .setting_id
                .ends_with(&format!(":servicesetting{DHMC_SETTING_ID}"))
    }

    /// The value, unless the setting was never changed from AWS's default (whose value
    /// AWS does not document) or is empty.
    pub fn configured_value(&self) -> Option<&str> {
        if self.status.as_deref() == Some("Default") {
            return None;
        }
        self.setting_value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "$None")
    }
}

/// `aws ec2 describe-vpc-block-public-access-options --query VpcBlockPublicAccessOptions`:
/// the region's VPC Block Public Access mode (one record per scope).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcBlockPublicAccessOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_region: Option<String>,
    /// `default-state`, `update-in-progress`, `update-complete`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `off`, `block-bidirectional`, `block-ingress`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_gateway_block_mode: Option<String>,
    /// `account` or `declarative-policy` (an Organizations policy sets it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
    /// `allowed` or `not-allowed` (a declarative policy may forbid exclusions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusions_allowed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl VpcBlockPublicAccessOptions {
    /// The mode, `off` when absent.
    pub fn mode(&self) -> &str {
        self.internet_gateway_block_mode.as_deref().unwrap_or("off")
    }

    pub fn exclusions_allowed(&self) -> bool {
        self.exclusions_allowed.as_deref() != Some("not-allowed")
    }
}

/// `aws ec2 describe-vpc-block-public-access-exclusions --query
/// VpcBlockPublicAccessExclusions`: a VPC or subnet exempt from the region's mode.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcBlockPublicAccessExclusion {
    #[serde(default)]
    pub exclusion_id: String,
    /// `allow-bidirectional` or `allow-egress` (the latter only under
    /// `block-bidirectional`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_gateway_exclusion_mode: Option<String>,
    /// The excluded VPC or subnet: `arn:aws:ec2:R:A:vpc/vpc-…` or `…:subnet/subnet-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_arn: Option<String>,
    /// Only `create-complete` and `update-complete` exclusions are in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

impl VpcBlockPublicAccessExclusion {
    /// The id of the excluded VPC or subnet (the ARN's last segment).
    pub fn resource_id(&self) -> Option<&str> {
        self.resource_arn.as_deref()?.rsplit('/').next()
    }

    pub fn in_force(&self) -> bool {
        matches!(
            self.state.as_deref(),
            Some("create-complete") | Some("update-complete")
        )
    }
}
