#!/usr/bin/env python3
"""Writes a synthetic estate snapshot (format 2) for the audit benchmark. Every shape is
SCALE × (1,000 VPCs, 10,000 instances, 100 private APIs), laid out three ways:

- `spread` (default): 10 account-regions per scale, each with 10 APIs;
- `one`: one account-region holding all of it (100 APIs per scale);
- `tgw`: one account-region, its VPCs attached to one transit gateway (a hub) instead
  of peered: route tables segment it, one TGW route table per API for its clients and
  one for its endpoint VPC, so each client reaches its own API only.

    python3 scripts/estate_snapshot.py --shape one --scale 2 -o /tmp/estate-one-2.json

Each API sits behind its own execute-api endpoint in its own VPC (with one client
instance there), with 9 client VPCs (peered with the endpoint's VPC, or attached to the
TGW) of 11 instances each; every piece the checks read is there (subnets, route tables
both ways, security groups, network ACLs, Session Manager endpoints, stages,
deployments, usage plans, functions, databases). One client VPC in ten lacks its return
route, so the audit finds broken paths too. The ids repeat across account-regions, as
AWS allows: only the scope tells them apart.
"""
import argparse
import json
import sys

APIS_PER_SCOPE = 10
CLIENT_VPCS_PER_API = 9
INSTANCES_PER_CLIENT_VPC = 11

ALLOW_ALL = [
    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": True, "CidrBlock": "0.0.0.0/0"},
]
ALL_OUT = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def hexid(prefix, *parts):
    return prefix + "".join(f"{p:04x}" for p in parts).rjust(17, "0")[-17:]


def scope(account, region, apis=APIS_PER_SCOPE, via="peering", domains=False):
    tgw = hexid("tgw-", 9, 9)
    s = {k: [] for k in ("Vpcs", "Subnets", "RouteTables", "SecurityGroups", "NetworkAcls", "VpcPeeringConnections",
                         "VpcEndpoints", "Instances", "InstanceInformationList", "RestApis", "VpcAttributes", "Stages",
                         "Resources", "Deployments", "UsagePlans", "UsagePlanKeys", "ApiKeys", "Functions",
                         "FunctionPolicies", "DBInstances")}
    s["account"], s["region"] = account, region
    s["Policies"] = []
    s["InstanceProfiles"] = [{"InstanceProfileName": "client", "Arn": f"arn:aws:iam::{account}:instance-profile/client",
                              "Roles": [{"RoleName": "client", "Arn": f"arn:aws:iam::{account}:role/client"}]}]
    s["RoleDetailList"] = [
        {"RoleName": "client", "Arn": f"arn:aws:iam::{account}:role/client",
         "AttachedManagedPolicies": [{"PolicyName": "AmazonSSMManagedInstanceCore",
                                      "PolicyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}]},
        {"RoleName": "writer", "Arn": f"arn:aws:iam::{account}:role/writer",
         "AttachedManagedPolicies": [{"PolicyName": "AWSLambdaVPCAccessExecutionRole",
                                      "PolicyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}]},
    ]
    if via == "tgw":
        for k in ("TransitGatewayVpcAttachments", "TransitGatewayAttachments", "TransitGatewayRoutes"):
            s[k] = []
        s["TransitGateways"] = [{"TransitGatewayId": tgw, "State": "available", "OwnerId": account,
                                 "Options": {"SecurityGroupReferencingSupport": "disable"}}]

    def attach(vpc, subnet, table):
        """The VPC's attachment to the hub, associated with `table`; its id."""
        att = "tgw-attach-" + vpc[4:]
        s["TransitGatewayVpcAttachments"].append({"TransitGatewayAttachmentId": att, "TransitGatewayId": tgw,
                                                  "VpcId": vpc, "VpcOwnerId": account, "State": "available",
                                                  "SubnetIds": [subnet]})
        s["TransitGatewayAttachments"].append({"TransitGatewayAttachmentId": att, "TransitGatewayId": tgw,
                                               "TransitGatewayOwnerId": account, "ResourceOwnerId": account,
                                               "ResourceType": "vpc", "ResourceId": vpc, "State": "available",
                                               "Association": {"TransitGatewayRouteTableId": table, "State": "associated"}})
        return att

    def tgw_route(table, cidr, att, vpc):
        s["TransitGatewayRoutes"].append({"TransitGatewayRouteTableId": table, "DestinationCidrBlock": cidr,
                                          "Type": "propagated", "State": "active",
                                          "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": att,
                                                                         "ResourceType": "vpc", "ResourceId": vpc}]})

    zone = {"AvailabilityZone": f"{region}a", "AvailabilityZoneId": "az1"}
    hosted_zone = hexid("Z", 7, 7).upper()
    if domains:
        for k in ("DomainNames", "BasePathMappings", "DomainNameAccessAssociations", "Certificates", "HostedZones",
                  "ResourceRecordSets"):
            s[k] = []

    def private_zone_of(vpc):
        """The account's one private zone for the domains, associated with `vpc`."""
        s["HostedZones"].append({"HostedZoneId": hosted_zone, "Name": "internal.example.com.", "VPCId": vpc,
                                 "VPCRegion": region, "Owner": {"OwningAccount": account}})

    def domain_of(a, api_id, vpce, ep_dns):
        """API `a`'s private custom domain name, mapped, associated with its endpoint and
        answered by the account's private zone."""
        name, did = f"api{a}.internal.example.com", f"{a:08x}"
        arn = f"arn:aws:apigateway:{region}:{account}:/domainnames/{name}+{did}"
        cert = f"arn:aws:acm:{region}:{account}:certificate/{a:08x}-0000-4000-8000-000000000000"
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"]},
            {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"],
             "Condition": {"StringNotEquals": {"aws:SourceVpce": vpce}}}]}
        s["DomainNames"].append({"domainName": name, "domainNameId": did, "domainNameArn": arn, "certificateArn": cert,
                                 "endpointConfiguration": {"types": ["PRIVATE"]}, "domainNameStatus": "AVAILABLE",
                                 "securityPolicy": "TLS_1_2", "policy": json.dumps(policy)})
        s["BasePathMappings"].append({"domainName": name, "domainNameId": did, "basePath": "orders", "restApiId": api_id,
                                      "stage": "prod"})
        s["DomainNameAccessAssociations"].append({
            "domainNameAccessAssociationArn": f"arn:aws:apigateway:{region}:{account}:/domainnameaccessassociations/domainname/{name}+{did}/vpcesource/{vpce}",
            "domainNameArn": arn, "accessAssociationSourceType": "VPCE", "accessAssociationSource": vpce})
        s["Certificates"].append({"CertificateArn": cert, "DomainName": "*.internal.example.com",
                                  "SubjectAlternativeNames": ["*.internal.example.com"], "Status": "ISSUED",
                                  "NotAfter": "2030-06-30T23:59:59+00:00"})
        s["ResourceRecordSets"].append({"HostedZoneId": hosted_zone, "Name": f"{name}.", "Type": "A",
                                        "AliasTarget": {"HostedZoneId": "Z7HUB22UULQXV", "DNSName": f"{ep_dns}.",
                                                        "EvaluateTargetHealth": False}})
    for a in range(apis):
        ep_vpc, ep_cidr = hexid("vpc-", 1, a), f"10.{a // 256}.{a % 256}.0/24"
        ep_subnet, ep_sg, vpce = hexid("subnet-", 1, a), hexid("sg-", 1, a), hexid("vpce-", 1, a)
        ep_rtb = hexid("rtb-", 1, a)
        api_id = f"api{a:07d}"
        s["Vpcs"].append({"VpcId": ep_vpc, "CidrBlock": ep_cidr, "OwnerId": account})
        s["VpcAttributes"].append({"VpcId": ep_vpc, "EnableDnsSupport": {"Value": True}, "EnableDnsHostnames": {"Value": True}})
        s["Subnets"].append({"SubnetId": ep_subnet, "VpcId": ep_vpc, "CidrBlock": ep_cidr, **zone})
        s["SecurityGroups"].append({"GroupId": ep_sg, "VpcId": ep_vpc, "IpPermissionsEgress": [ALL_OUT],
                                    "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                                       "IpRanges": [{"CidrIp": "172.16.0.0/12"}, {"CidrIp": ep_cidr}]},
                                                      {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                                                       "IpRanges": [{"CidrIp": ep_cidr}]}]})
        s["NetworkAcls"].append({"NetworkAclId": hexid("acl-", 1, a), "VpcId": ep_vpc, "IsDefault": True,
                                 "Associations": [{"SubnetId": ep_subnet}], "Entries": ALLOW_ALL})
        ep_routes = [{"DestinationCidrBlock": ep_cidr, "GatewayId": "local", "State": "active"}]
        s["RouteTables"].append({"RouteTableId": ep_rtb, "VpcId": ep_vpc,
                                 "Associations": [{"Main": True}, {"Main": False, "SubnetId": ep_subnet}], "Routes": ep_routes})
        s["VpcEndpoints"].append({"VpcEndpointId": vpce, "VpcEndpointType": "Interface", "VpcId": ep_vpc,
                                  "ServiceName": f"com.amazonaws.{region}.execute-api", "State": "available",
                                  "SubnetIds": [ep_subnet], "Groups": [{"GroupId": ep_sg}], "PrivateDnsEnabled": False,
                                  "DnsEntries": [{"DnsName": f"{vpce}-abcd.execute-api.{region}.vpce.amazonaws.com",
                                                  "HostedZoneId": "Z7HUB22UULQXV"}]})
        if domains:
            domain_of(a, api_id, vpce, f"{vpce}-abcd.execute-api.{region}.vpce.amazonaws.com")
            private_zone_of(ep_vpc)
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                  "Resource": "execute-api:/*", "Condition": {"StringEquals": {"aws:SourceVpce": vpce}}}]}
        fn_name = f"writer-{a}"
        fn_arn = f"arn:aws:lambda:{region}:{account}:function:{fn_name}"
        s["RestApis"].append({"id": api_id, "endpointConfiguration": {"types": ["PRIVATE"], "vpcEndpointIds": [vpce]},
                              "policy": json.dumps(policy)})
        s["Stages"].append({"stageName": "prod", "deploymentId": f"dep{a:04d}", "restApiId": api_id})
        s["Resources"].append({"id": f"r{a:05d}", "path": "/orders", "restApiId": api_id, "resourceMethods": {"POST": {
            "httpMethod": "POST", "authorizationType": "NONE", "apiKeyRequired": True,
            "methodIntegration": {"type": "AWS_PROXY", "uri": f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{fn_arn}/invocations"}}}})
        s["Deployments"].append({"id": f"dep{a:04d}", "restApiId": api_id,
                                 "apiSummary": {"/orders": {"POST": {"authorizationType": "NONE", "apiKeyRequired": True}}}})
        s["UsagePlans"].append({"id": f"plan{a:03d}", "apiStages": [{"apiId": api_id, "stage": "prod"}]})
        s["UsagePlanKeys"].append({"id": f"key{a:04d}", "usagePlanId": f"plan{a:03d}", "type": "API_KEY"})
        s["ApiKeys"].append({"id": f"key{a:04d}", "enabled": True})
        s["Functions"].append({"FunctionName": fn_name, "FunctionArn": fn_arn, "Role": f"arn:aws:iam::{account}:role/writer",
                               "VpcConfig": {"SubnetIds": [ep_subnet], "SecurityGroupIds": [ep_sg], "VpcId": ep_vpc}})
        s["FunctionPolicies"].append({"FunctionName": fn_name, "Policy": json.dumps({"Statement": [{
            "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "lambda:InvokeFunction",
            "Resource": fn_arn, "Condition": {"ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:{region}:{account}:{api_id}/*"}}}]})})
        s["DBInstances"].append({"DBInstanceIdentifier": f"db-{a}", "DBInstanceStatus": "available", "Engine": "postgres",
                                 "Endpoint": {"Port": 5432}, "DBSubnetGroup": {"VpcId": ep_vpc, "Subnets": [{"SubnetIdentifier": ep_subnet}]},
                                 "VpcSecurityGroups": [{"VpcSecurityGroupId": ep_sg}]})
        # One client in the endpoint's own VPC (no peering on its path); it has no
        # Session Manager endpoints there, so operators cannot reach it.
        iid = hexid("i-", 1, a)
        s["Instances"].append({"InstanceId": iid, "SubnetId": ep_subnet, "VpcId": ep_vpc, "PrivateIpAddress": f"10.{a // 256}.{a % 256}.10",
                               "SecurityGroups": [{"GroupId": ep_sg}], "State": {"Name": "running"},
                               "IamInstanceProfile": {"Arn": f"arn:aws:iam::{account}:instance-profile/client"}})
        s["InstanceInformationList"].append({"InstanceId": iid, "PingStatus": "Online", "AgentVersion": "3.3.1142.0"})
        if via == "tgw":
            clients_table, ep_table = hexid("tgw-rtb-", 4, a), hexid("tgw-rtb-", 5, a)
            ep_att = attach(ep_vpc, ep_subnet, ep_table)
        for c in range(CLIENT_VPCS_PER_API):
            n = a * CLIENT_VPCS_PER_API + c
            # /27s inside 172.16.0.0/12, which the endpoints' groups admit: room for 32,768.
            vpc, cidr = hexid("vpc-", 2, n), f"172.{16 + n // 2048}.{n // 8 % 256}.{n % 8 * 32}/27"
            subnet, sg, rtb, pcx = hexid("subnet-", 2, n), hexid("sg-", 2, n), hexid("rtb-", 2, n), hexid("pcx-", 2, n)
            hop = {"TransitGatewayId": tgw} if via == "tgw" else {"VpcPeeringConnectionId": pcx}
            s["Vpcs"].append({"VpcId": vpc, "CidrBlock": cidr, "OwnerId": account})
            if domains:
                private_zone_of(vpc)
            s["VpcAttributes"].append({"VpcId": vpc, "EnableDnsSupport": {"Value": True}, "EnableDnsHostnames": {"Value": True}})
            s["Subnets"].append({"SubnetId": subnet, "VpcId": vpc, "CidrBlock": cidr, **zone})
            s["SecurityGroups"].append({"GroupId": sg, "VpcId": vpc, "IpPermissionsEgress": [ALL_OUT],
                                        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                                           "IpRanges": [{"CidrIp": cidr}]}]})
            s["NetworkAcls"].append({"NetworkAclId": hexid("acl-", 2, n), "VpcId": vpc, "IsDefault": True,
                                     "Associations": [{"SubnetId": subnet}], "Entries": ALLOW_ALL})
            s["RouteTables"].append({"RouteTableId": rtb, "VpcId": vpc, "Associations": [{"Main": True}],
                                     "Routes": [{"DestinationCidrBlock": cidr, "GatewayId": "local", "State": "active"},
                                                {"DestinationCidrBlock": ep_cidr, "State": "active", **hop}]})
            if c != 0 or a % 10 != 9:
                # One client VPC in ten has no return route.
                ep_routes.append({"DestinationCidrBlock": cidr, "State": "active", **hop})
            if via == "tgw":
                att = attach(vpc, subnet, clients_table)
                if c == 0:
                    tgw_route(clients_table, ep_cidr, ep_att, ep_vpc)
                tgw_route(ep_table, cidr, att, vpc)
            else:
                s["VpcPeeringConnections"].append({"VpcPeeringConnectionId": pcx, "Status": {"Code": "active"},
                                                   "RequesterVpcInfo": {"VpcId": vpc, "OwnerId": account, "Region": region, "CidrBlock": cidr},
                                                   "AccepterVpcInfo": {"VpcId": ep_vpc, "OwnerId": account, "Region": region, "CidrBlock": ep_cidr}})
            for svc in ("ssm", "ssmmessages", "ec2messages"):
                s["VpcEndpoints"].append({"VpcEndpointId": hexid("vpce-", 3, n * 4 + len(svc)), "VpcEndpointType": "Interface",
                                          "VpcId": vpc, "ServiceName": f"com.amazonaws.{region}.{svc}", "State": "available",
                                          "SubnetIds": [subnet], "Groups": [{"GroupId": sg}], "PrivateDnsEnabled": True})
            for i in range(INSTANCES_PER_CLIENT_VPC):
                iid = hexid("i-", 2, n, i)
                s["Instances"].append({"InstanceId": iid, "SubnetId": subnet, "VpcId": vpc,
                                       "PrivateIpAddress": f"172.{16 + n // 2048}.{n // 8 % 256}.{n % 8 * 32 + 10 + i}",
                                       "SecurityGroups": [{"GroupId": sg}], "State": {"Name": "running"},
                                       "IamInstanceProfile": {"Arn": f"arn:aws:iam::{account}:instance-profile/client"}})
                s["InstanceInformationList"].append({"InstanceId": iid, "PingStatus": "Online", "AgentVersion": "3.3.1142.0"})
    return s


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1, help="multiplies the estate (1,000 VPCs each)")
    parser.add_argument("--shape", choices=("spread", "one", "tgw"), default="spread",
                        help="10 account-regions per scale (spread), or one account-region peered (one) or on a TGW hub (tgw)")
    parser.add_argument("--domains", action="store_true",
                        help="each API also has a private custom domain name (mapped, associated, in the account's "
                             "private zone): every client calls it both ways, twice the paths")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    regions = ["us-east-1", "eu-west-1"]
    scopes = []
    if args.shape == "spread":
        for k in range(args.scale * 10):
            account = f"{100000000000 + k // 2:012d}"
            scopes.append(scope(account, regions[k % 2], domains=args.domains))
    else:
        via = "tgw" if args.shape == "tgw" else "peering"
        scopes.append(scope("100000000000", "us-east-1", apis=APIS_PER_SCOPE * 10 * args.scale, via=via,
                            domains=args.domains))
    doc = {"format": 2, "tool_version": "estate_snapshot.py", "scopes": scopes}
    with open(args.output, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    counts = {key: sum(len(s[key]) for s in scopes) for key in ("Vpcs", "Instances", "RestApis")}
    print(f"{args.output}: {len(scopes)} account-regions, {counts['Vpcs']} VPCs, {counts['Instances']} instances, "
          f"{counts['RestApis']} private APIs", file=sys.stderr)


if __name__ == "__main__":
    main()
