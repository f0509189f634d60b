#!/usr/bin/env python3
"""Seeds the seed architecture into an emulated AWS through the AWS API, optionally
breaks it one way, and prints {"api_id", "instance_id", ...} as JSON.

    scenario.py --endpoint http://127.0.0.1:PORT [--break NAME]

Names and tags are deliberately unlike the fixtures': privpath must find the path from
the two ids alone.
"""
import argparse
import json
import urllib.request

import boto3

REGION = "us-east-1"


def clients(endpoint):
    kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
    return {name: boto3.client(name, **kw) for name in ("ec2", "iam", "apigateway")}


def control(endpoint, path, body):
    req = urllib.request.Request(endpoint + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def seed(c):
    ec2, iam, apigw = c["ec2"], c["iam"], c["apigateway"]
    vpc_a = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    vpc_b = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    client_subnet = ec2.create_subnet(VpcId=vpc_a, CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    ep_subnets = [ec2.create_subnet(VpcId=vpc_b, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
                  for i, az in ((1, "a"), (2, "b"))]

    pcx = ec2.create_vpc_peering_connection(VpcId=vpc_a, PeerVpcId=vpc_b)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)

    rtb_a = ec2.create_route_table(VpcId=vpc_a)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb_a, SubnetId=client_subnet)
    ec2.create_route(RouteTableId=rtb_a, DestinationCidrBlock="10.30.0.0/16", VpcPeeringConnectionId=pcx)
    rtb_b = ec2.create_route_table(VpcId=vpc_b)["RouteTable"]["RouteTableId"]
    for s in ep_subnets:
        ec2.associate_route_table(RouteTableId=rtb_b, SubnetId=s)
    ec2.create_route(RouteTableId=rtb_b, DestinationCidrBlock="10.20.0.0/16", VpcPeeringConnectionId=pcx)

    sg_client = ec2.create_security_group(GroupName="caller", Description="curl client", VpcId=vpc_a)["GroupId"]
    sg_ssm = ec2.create_security_group(GroupName="ssm-vpce", Description="ssm endpoints", VpcId=vpc_a)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg_ssm, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}])
    sg_api = ec2.create_security_group(GroupName="api-vpce", Description="execute-api endpoint", VpcId=vpc_b)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg_api, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.20.1.0/24"}]}])

    vpce_api = ec2.create_vpc_endpoint(VpcId=vpc_b, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{REGION}.execute-api",
                                       SubnetIds=ep_subnets, SecurityGroupIds=[sg_api], PrivateDnsEnabled=False)["VpcEndpoint"]["VpcEndpointId"]
    ssm_endpoints = {}
    for svc in ("ssm", "ssmmessages", "ec2messages"):
        ssm_endpoints[svc] = ec2.create_vpc_endpoint(VpcId=vpc_a, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{REGION}.{svc}",
                                                     SubnetIds=[client_subnet], SecurityGroupIds=[sg_ssm], PrivateDnsEnabled=True)["VpcEndpoint"]["VpcEndpointId"]

    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="ops-box", AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(RoleName="ops-box", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
    iam.put_role_policy(RoleName="ops-box", PolicyName="logs", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}))
    profile = iam.create_instance_profile(InstanceProfileName="ops-box-profile", Path="/team/")["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName="ops-box-profile", RoleName="ops-box")

    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=client_subnet, SecurityGroupIds=[sg_client],
                                 IamInstanceProfile={"Arn": profile["Arn"]})["Instances"][0]["InstanceId"]

    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
              "Resource": "execute-api:/*", "Condition": {"StringEquals": {"aws:SourceVpce": vpce_api}}}]}
    api = apigw.create_rest_api(name="orders", endpointConfiguration={"types": ["PRIVATE"], "vpcEndpointIds": [vpce_api]},
                                policy=json.dumps(policy))["id"]
    return {"api_id": api, "instance_id": instance, "vpc_a": vpc_a, "vpc_b": vpc_b, "pcx": pcx, "rtb_a": rtb_a, "rtb_b": rtb_b,
            "sg_api": sg_api, "sg_ssm": sg_ssm, "vpce_api": vpce_api, "ssm_endpoints": ssm_endpoints, "client_subnet": client_subnet}


def break_it(name, ids, c, endpoint):
    ec2, iam, apigw = c["ec2"], c["iam"], c["apigateway"]
    if name == "peering-not-accepted":
        # A fresh peering request that nobody accepted, routes pointing at it.
        ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"])
        pcx = ec2.create_vpc_peering_connection(VpcId=ids["vpc_a"], PeerVpcId=ids["vpc_b"])["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        ec2.replace_route(RouteTableId=ids["rtb_a"], DestinationCidrBlock="10.30.0.0/16", VpcPeeringConnectionId=pcx)
        ec2.replace_route(RouteTableId=ids["rtb_b"], DestinationCidrBlock="10.20.0.0/16", VpcPeeringConnectionId=pcx)
    elif name == "client-route-missing":
        ec2.delete_route(RouteTableId=ids["rtb_a"], DestinationCidrBlock="10.30.0.0/16")
    elif name == "endpoint-route-missing":
        ec2.delete_route(RouteTableId=ids["rtb_b"], DestinationCidrBlock="10.20.0.0/16")
    elif name == "endpoint-sg-without-443":
        ec2.revoke_security_group_ingress(GroupId=ids["sg_api"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.20.1.0/24"}]}])
    elif name == "ssmmessages-endpoint-missing":
        ec2.delete_vpc_endpoints(VpcEndpointIds=[ids["ssm_endpoints"]["ssmmessages"]])
    elif name == "agent-too-old":
        control(endpoint, "/__privpath/ssm-agent", {"instance_id": ids["instance_id"], "agent_version": "2.3.50.0"})
    elif name == "role-without-managed-policy":
        iam.detach_role_policy(RoleName="ops-box", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
    elif name == "api-without-policy":
        # Real AWS refuses to deploy this; moto accepts it, which is the state to detect.
        apigw.update_rest_api(restApiId=ids["api_id"], patchOperations=[{"op": "replace", "path": "/policy", "value": ""}])
    elif name == "ssm-denied":
        control(endpoint, "/__privpath/deny", {"actions": ["ssm:DescribeInstanceInformation"]})
    elif name == "peerings-throttled":
        control(endpoint, "/__privpath/throttle", {"actions": ["ec2:DescribeVpcPeeringConnections"]})
    elif name == "ssm-truncated":
        control(endpoint, "/__privpath/truncate", {"actions": ["ssm:DescribeInstanceInformation"]})
    elif name != "healthy":
        raise SystemExit(f"unknown breakage {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--break", dest="breakage", default="healthy")
    args = parser.parse_args()
    # A clean emulator for every scenario.
    urllib.request.urlopen(urllib.request.Request(args.endpoint + "/moto-api/reset", method="POST")).read()
    control(args.endpoint, "/__privpath/reset", {})
    c = clients(args.endpoint)
    ids = seed(c)
    break_it(args.breakage, ids, c, args.endpoint)
    print(json.dumps(ids))


if __name__ == "__main__":
    main()
