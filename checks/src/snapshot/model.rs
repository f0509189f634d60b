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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
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
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointConfiguration {
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpc_endpoint_ids: Vec<String>,
}

impl RestApi {
    pub fn is_private(&self) -> bool {
        self.endpoint_configuration
            .as_ref()
            .is_some_and(|c| c.types.iter().any(|t| t.eq_ignore_ascii_case("PRIVATE")))
    }

    pub fn endpoint_types(&self) -> String {
        match &self.endpoint_configuration {
            Some(c) if !c.types.is_empty() => c.types.join(","),
            _ => "none".to_string(),
        }
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
