#!/usr/bin/env python3
"""Seeds the seed architecture into an emulated AWS through the AWS API, optionally
breaks it one way, and prints {"api_id", "instance_id", ...} as JSON.

    scenario.py --endpoint http://127.0.0.1:PORT [--break NAME] [--layout LAYOUT]

LAYOUT puts the client side (VPC A, the instance, its role and Session Manager
endpoints) where the seed's first step may put it: `same` (the API's account and
region), `cross-account` (account CLIENT_ACCOUNT, reached by assuming a role there, as
privpath's --client-role-arn does), `cross-region` (CLIENT_REGION) or `cross-both`. The
peering is then requested with PeerOwnerId/PeerRegion and accepted with the accepter's
credentials in its region. For `privpath audit`: `two-regions` (the path in two regions
of one account, one of them broken twice) and `org` (an Organization whose member
accounts hold the API and the client).

Names and tags are deliberately unlike the fixtures': privpath must find the path from
the two ids alone.
"""
import argparse
import io
import json
import urllib.request
import zipfile

import boto3

REGION = "us-east-1"
API_ACCOUNT = "123456789012"  # moto's default account, the "testing" credentials'
CLIENT_ACCOUNT = "210987654321"
CLIENT_REGION = "eu-central-1"
CLIENT_ROLE = f"arn:aws:iam::{CLIENT_ACCOUNT}:role/estate-reader"
LAYOUTS = {
    "same": (API_ACCOUNT, REGION),
    "cross-account": (CLIENT_ACCOUNT, REGION),
    "cross-region": (API_ACCOUNT, CLIENT_REGION),
    "cross-both": (CLIENT_ACCOUNT, CLIENT_REGION),
}


def clients(endpoint, region=REGION, account=API_ACCOUNT):
    kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
    if account != API_ACCOUNT:
        # moto's assumed-role credentials act in the role's account.
        role = f"arn:aws:iam::{account}:role/estate-reader"
        creds = boto3.client("sts", **kw).assume_role(RoleArn=role, RoleSessionName="scenario-seed")["Credentials"]
        kw.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    c = {name: boto3.client(name, **kw)
         for name in ("ec2", "iam", "apigateway", "apigatewayv2", "elbv2", "lambda", "rds", "route53", "acm", "ssm")}
    c["region"], c["account"] = region, account
    return c


def lambda_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return {'statusCode': 201}\n")
    return buf.getvalue()


def put_post_method(apigw, api, resource, function_arn):
    region = apigw.meta.region_name
    apigw.put_method(restApiId=api, resourceId=resource, httpMethod="POST", authorizationType="NONE", apiKeyRequired=True)
    apigw.put_integration(restApiId=api, resourceId=resource, httpMethod="POST", type="AWS_PROXY", integrationHttpMethod="POST",
                          uri=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations")


def control(endpoint, path, body):
    req = urllib.request.Request(endpoint + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def request_peering(a, b, vpc_a, vpc_b):
    """VPC A's side requests the peering (naming the accepter's account and region when
    they differ, as the seed's first step does); it is left pending."""
    kw = {}
    if (a["account"], a["region"]) != (b["account"], b["region"]):
        kw = {"PeerOwnerId": b["account"], "PeerRegion": b["region"]}
    return a["ec2"].create_vpc_peering_connection(VpcId=vpc_a, PeerVpcId=vpc_b, **kw)["VpcPeeringConnection"]["VpcPeeringConnectionId"]


def join_by_tgw(c, a, ids):
    """The two VPCs joined by a transit gateway instead of the peering: in one region,
    one TGW (moto cannot share a TGW through RAM); with the client in another region
    (`cross-region`), a TGW in each region joined by a TGW peering attachment."""
    if a["region"] != c["region"]:
        return join_by_peered_tgws(c, a, ids)
    join_by_one_tgw(c, ids)


def join_by_peered_tgws(c, a, ids):
    """Each VPC on a TGW of its region; the client's TGW requests a peering with the
    API's, accepted in the API's region; each TGW's table routes its own VPC to its
    attachment and the other VPC, by a static route (the only kind a peering carries),
    to the peering attachment."""
    ec2, ec2a = c["ec2"], a["ec2"]
    ec2a.delete_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"])
    tgw_a = ec2a.create_transit_gateway(Description="client hub")["TransitGateway"]
    tgw_b = ec2.create_transit_gateway(Description="service hub")["TransitGateway"]
    table_a = tgw_a["Options"]["AssociationDefaultRouteTableId"]
    table_b = tgw_b["Options"]["AssociationDefaultRouteTableId"]
    att_a = ec2a.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw_a["TransitGatewayId"], VpcId=ids["vpc_a"],
                                                       SubnetIds=[ids["client_subnet"]])["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    att_b = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw_b["TransitGatewayId"], VpcId=ids["vpc_b"],
                                                      SubnetIds=ids["ep_subnets"])["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    peering = ec2a.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw_a["TransitGatewayId"], PeerTransitGatewayId=tgw_b["TransitGatewayId"],
        PeerAccountId=c["account"], PeerRegion=c["region"])["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    ec2.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=peering)
    ec2a.associate_transit_gateway_route_table(TransitGatewayRouteTableId=table_a, TransitGatewayAttachmentId=peering)
    ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=table_b, TransitGatewayAttachmentId=peering)
    for cli, table, own, own_cidr, other_cidr in ((ec2a, table_a, att_a, "10.20.0.0/16", "10.30.0.0/16"),
                                                  (ec2, table_b, att_b, "10.30.0.0/16", "10.20.0.0/16")):
        cli.create_transit_gateway_route(TransitGatewayRouteTableId=table, DestinationCidrBlock=own_cidr, TransitGatewayAttachmentId=own)
        cli.create_transit_gateway_route(TransitGatewayRouteTableId=table, DestinationCidrBlock=other_cidr, TransitGatewayAttachmentId=peering)
    ec2a.replace_route(RouteTableId=ids["rtb_a"], DestinationCidrBlock="10.30.0.0/16", TransitGatewayId=tgw_a["TransitGatewayId"])
    ec2.replace_route(RouteTableId=ids["rtb_b"], DestinationCidrBlock="10.20.0.0/16", TransitGatewayId=tgw_b["TransitGatewayId"])
    ids.update(tgw=tgw_a["TransitGatewayId"], tgw_b=tgw_b["TransitGatewayId"], tgw_table=table_a, tgw_table_b=table_b,
               att_a=att_a, att_b=att_b, tgw_peering=peering)


def join_by_one_tgw(c, ids):
    """Both VPCs attached to one TGW (the client's attachment in its AZ, the endpoint
    VPC's in both endpoint AZs), each VPC's CIDR routed by a static route of the TGW's
    default route table, the VPC routes sent to the TGW."""
    ec2 = c["ec2"]
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"])
    tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]
    table = tgw["Options"]["AssociationDefaultRouteTableId"]
    att_a = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw["TransitGatewayId"], VpcId=ids["vpc_a"],
                                                      SubnetIds=[ids["client_subnet"]])["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    att_b = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw["TransitGatewayId"], VpcId=ids["vpc_b"],
                                                      SubnetIds=ids["ep_subnets"])["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    for cidr, att in (("10.20.0.0/16", att_a), ("10.30.0.0/16", att_b)):
        ec2.create_transit_gateway_route(TransitGatewayRouteTableId=table, DestinationCidrBlock=cidr, TransitGatewayAttachmentId=att)
    ec2.replace_route(RouteTableId=ids["rtb_a"], DestinationCidrBlock="10.30.0.0/16", TransitGatewayId=tgw["TransitGatewayId"])
    ec2.replace_route(RouteTableId=ids["rtb_b"], DestinationCidrBlock="10.20.0.0/16", TransitGatewayId=tgw["TransitGatewayId"])
    ids.update(tgw=tgw["TransitGatewayId"], tgw_table=table, att_a=att_a, att_b=att_b)


def break_tgw(name, ids, c, endpoint):
    """A TGW path broken one way; False when `name` is not a TGW break."""
    ec2 = c["ec2"]
    if name == "tgw-route-missing":
        ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=ids["tgw_table"], DestinationCidrBlock="10.30.0.0/16")
    elif name == "tgw-route-blackhole":
        ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=ids["tgw_table"], DestinationCidrBlock="10.30.0.0/16")
        ec2.create_transit_gateway_route(TransitGatewayRouteTableId=ids["tgw_table"], DestinationCidrBlock="10.30.0.0/16", Blackhole=True)
    elif name == "tgw-return-route-missing":
        ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=ids["tgw_table"], DestinationCidrBlock="10.20.0.0/16")
    elif name == "tgw-wrong-route-table":
        isolated = ec2.create_transit_gateway_route_table(TransitGatewayId=ids["tgw"])["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
        ec2.create_transit_gateway_route(TransitGatewayRouteTableId=isolated, DestinationCidrBlock="10.20.0.0/16", TransitGatewayAttachmentId=ids["att_a"])
        ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=ids["tgw_table"], TransitGatewayAttachmentId=ids["att_a"])
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=isolated, TransitGatewayAttachmentId=ids["att_a"])
    elif name == "tgw-no-subnet-in-client-az":
        other = ec2.create_subnet(VpcId=ids["vpc_a"], CidrBlock="10.20.2.0/24", AvailabilityZone=f"{c['region']}b")["Subnet"]["SubnetId"]
        ec2.modify_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=ids["att_a"], AddSubnetIds=[other],
                                                  RemoveSubnetIds=[ids["client_subnet"]])
    elif name == "tgw-attachment-pending":
        control(endpoint, "/__privpath/tgw-attachment", {"attachment_id": ids["att_b"], "state": "pendingAcceptance"})
    elif name == "tgw-client-route-missing":
        ec2.delete_route(RouteTableId=ids["rtb_a"], DestinationCidrBlock="10.30.0.0/16")
    else:
        return False
    return True


def seed(c, a):
    """`c` is the API side's clients, `a` the client side's (the same for `same`)."""
    ec2, iam, apigw = c["ec2"], c["iam"], c["apigateway"]
    ec2a, iama = a["ec2"], a["iam"]
    vpc_a = ec2a.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    vpc_b = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    client_subnet = ec2a.create_subnet(VpcId=vpc_a, CidrBlock="10.20.1.0/24", AvailabilityZone=f"{a['region']}a")["Subnet"]["SubnetId"]
    region = c["region"]
    ep_subnets = [ec2.create_subnet(VpcId=vpc_b, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"{region}{az}")["Subnet"]["SubnetId"]
                  for i, az in ((1, "a"), (2, "b"))]

    pcx = request_peering(a, c, vpc_a, vpc_b)
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)

    rtb_a = ec2a.create_route_table(VpcId=vpc_a)["RouteTable"]["RouteTableId"]
    ec2a.associate_route_table(RouteTableId=rtb_a, SubnetId=client_subnet)
    ec2a.create_route(RouteTableId=rtb_a, DestinationCidrBlock="10.30.0.0/16", VpcPeeringConnectionId=pcx)
    rtb_b = ec2.create_route_table(VpcId=vpc_b)["RouteTable"]["RouteTableId"]
    for s in ep_subnets:
        ec2.associate_route_table(RouteTableId=rtb_b, SubnetId=s)
    ec2.create_route(RouteTableId=rtb_b, DestinationCidrBlock="10.20.0.0/16", VpcPeeringConnectionId=pcx)

    sg_client = ec2a.create_security_group(GroupName="caller", Description="curl client", VpcId=vpc_a)["GroupId"]
    sg_ssm = ec2a.create_security_group(GroupName="ssm-vpce", Description="ssm endpoints", VpcId=vpc_a)["GroupId"]
    ec2a.authorize_security_group_ingress(GroupId=sg_ssm, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}])
    sg_api = ec2.create_security_group(GroupName="api-vpce", Description="execute-api endpoint", VpcId=vpc_b)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg_api, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.20.1.0/24"}]}])

    vpce_api = ec2.create_vpc_endpoint(VpcId=vpc_b, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{region}.execute-api",
                                       SubnetIds=ep_subnets, SecurityGroupIds=[sg_api], PrivateDnsEnabled=False)["VpcEndpoint"]["VpcEndpointId"]
    ssm_endpoints = {}
    for svc in ("ssm", "ssmmessages", "ec2messages"):
        ssm_endpoints[svc] = ec2a.create_vpc_endpoint(VpcId=vpc_a, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{a['region']}.{svc}",
                                                     SubnetIds=[client_subnet], SecurityGroupIds=[sg_ssm], PrivateDnsEnabled=True)["VpcEndpoint"]["VpcEndpointId"]

    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    # IAM is global: a second region of the same account reuses what the first made.
    try:
        profile = iama.get_instance_profile(InstanceProfileName="ops-box-profile")["InstanceProfile"]
    except iama.exceptions.NoSuchEntityException:
        iama.create_role(RoleName="ops-box", AssumeRolePolicyDocument=json.dumps(trust))
        iama.attach_role_policy(RoleName="ops-box", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
        iama.put_role_policy(RoleName="ops-box", PolicyName="logs", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}))
        profile = iama.create_instance_profile(InstanceProfileName="ops-box-profile", Path="/team/")["InstanceProfile"]
        iama.add_role_to_instance_profile(InstanceProfileName="ops-box-profile", RoleName="ops-box")

    image = ec2a.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2a.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=client_subnet, SecurityGroupIds=[sg_client],
                                 IamInstanceProfile={"Arn": profile["Arn"]})["Instances"][0]["InstanceId"]

    # The backend in VPC B: a function in two subnets writing to PostgreSQL in two others.
    fn_subnets = [ec2.create_subnet(VpcId=vpc_b, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"{region}{az}")["Subnet"]["SubnetId"]
                  for i, az in ((10, "a"), (11, "b"))]
    db_subnets = [ec2.create_subnet(VpcId=vpc_b, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"{region}{az}")["Subnet"]["SubnetId"]
                  for i, az in ((20, "a"), (21, "b"))]
    sg_fn = ec2.create_security_group(GroupName="writer-fn", Description="order writer", VpcId=vpc_b)["GroupId"]
    sg_db = ec2.create_security_group(GroupName="orders-pg", Description="orders database", VpcId=vpc_b)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg_db, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": sg_fn}]}])
    lambda_trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    try:
        fn_role = iam.get_role(RoleName="order-writer")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        fn_role = iam.create_role(RoleName="order-writer", AssumeRolePolicyDocument=json.dumps(lambda_trust))["Role"]["Arn"]
        iam.attach_role_policy(RoleName="order-writer", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
    fn = c["lambda"].create_function(FunctionName="order-writer", Runtime="python3.12", Role=fn_role, Handler="handler.handler",
                                     Code={"ZipFile": lambda_zip()}, Environment={"Variables": {"DB_PASSWORD": "not-for-snapshots"}},
                                     VpcConfig={"SubnetIds": fn_subnets, "SecurityGroupIds": [sg_fn]})
    rds = c["rds"]
    rds.create_db_subnet_group(DBSubnetGroupName="orders-pg-subnets", DBSubnetGroupDescription="orders", SubnetIds=db_subnets)
    rds.create_db_instance(DBInstanceIdentifier="orders-pg", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="orders", MasterUserPassword="not-for-snapshots-either",
                           DBSubnetGroupName="orders-pg-subnets", VpcSecurityGroupIds=[sg_db], AllocatedStorage=20)

    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
              "Resource": "execute-api:/*", "Condition": {"StringEquals": {"aws:SourceVpce": vpce_api}}}]}
    api = apigw.create_rest_api(name="orders", endpointConfiguration={"types": ["PRIVATE"], "vpcEndpointIds": [vpce_api]},
                                policy=json.dumps(policy))["id"]
    root = next(r["id"] for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/")
    resource = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    put_post_method(apigw, api, resource, fn["FunctionArn"])
    apigw.create_deployment(restApiId=api, stageName="live")
    c["lambda"].add_permission(FunctionName="order-writer", StatementId="orders-api", Action="lambda:InvokeFunction",
                               Principal="apigateway.amazonaws.com",
                               SourceArn=f"arn:aws:execute-api:{region}:{c['account']}:{api}/*/POST/orders")
    plan = apigw.create_usage_plan(name="order-clients", apiStages=[{"apiId": api, "stage": "live"}])["id"]
    created_key = apigw.create_api_key(name="ops-box-key", enabled=True)
    key = created_key["id"]
    apigw.create_usage_plan_key(usagePlanId=plan, keyId=key, keyType="API_KEY")
    return {"api_id": api, "instance_id": instance, "vpc_a": vpc_a, "vpc_b": vpc_b, "pcx": pcx, "rtb_a": rtb_a, "rtb_b": rtb_b,
            "ep_subnets": ep_subnets, "fn_subnets": fn_subnets, "db_subnets": db_subnets, "image": image,
            "sg_api": sg_api, "sg_ssm": sg_ssm, "vpce_api": vpce_api, "ssm_endpoints": ssm_endpoints, "client_subnet": client_subnet,
            "resource": resource, "function_arn": fn["FunctionArn"], "sg_fn": sg_fn, "sg_db": sg_db, "usage_plan": plan, "key": key,
            # Only so the tests can assert that no snapshot or report ever holds it.
            "key_value": created_key["value"]}


def private_backend(name, ids, c):
    """POST /orders integrated, instead of with Lambda, with an internal Application Load
    Balancer in VPC B behind a VPC link V2 named by the stage variable `vpcLinkId`; one
    instance behind it serves on 8080. Broken per `name`."""
    ec2, apigw, elbv2 = c["ec2"], c["apigateway"], c["elbv2"]
    vpc_b, subnets = ids["vpc_b"], ids["fn_subnets"]
    sg_link = ec2.create_security_group(GroupName="orders-link", Description="VPC link", VpcId=vpc_b)["GroupId"]
    sg_alb = ec2.create_security_group(GroupName="orders-alb", Description="internal ALB", VpcId=vpc_b)["GroupId"]
    sg_app = ec2.create_security_group(GroupName="orders-app", Description="app servers", VpcId=vpc_b)["GroupId"]
    admitted = [{"GroupId": sg_link}] if name != "vpc-link-alb-sg-blocks" else []
    ec2.authorize_security_group_ingress(GroupId=sg_alb, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": admitted}
        if admitted else {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.99.0.0/16"}]}])
    ec2.authorize_security_group_ingress(GroupId=sg_app, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": sg_alb}]}])
    app = ec2.run_instances(ImageId=ids["image"], MinCount=1, MaxCount=1, SubnetId=subnets[0],
                            SecurityGroupIds=[sg_app])["Instances"][0]["InstanceId"]
    alb = elbv2.create_load_balancer(Name="orders-alb", Subnets=subnets, SecurityGroups=[sg_alb], Scheme="internal",
                                     Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elbv2.create_target_group(Name="orders-app", Protocol="HTTP", Port=8080, VpcId=vpc_b,
                                   TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": app, "Port": 8080}])
    elbv2.create_listener(LoadBalancerArn=alb, Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    if name == "vpc-link-targets-stopped":
        # moto cannot make a target unhealthy; a stopped instance is `unused`, which
        # serves no more than an unhealthy one.
        ec2.stop_instances(InstanceIds=[app])
    link = c["apigatewayv2"].create_vpc_link(Name="orders-link", SubnetIds=subnets, SecurityGroupIds=[sg_link])["VpcLinkId"]
    apigw.put_integration(restApiId=ids["api_id"], resourceId=ids["resource"], httpMethod="POST", type="HTTP_PROXY",
                          integrationHttpMethod="POST", uri="http://orders.internal.example.com:80/orders",
                          connectionType="VPC_LINK", connectionId="${stageVariables.vpcLinkId}", integrationTarget=alb)
    named = link if name != "vpc-link-missing" else "vpcl-0missing0"
    apigw.update_stage(restApiId=ids["api_id"], stageName="live", patchOperations=[
        {"op": "replace", "path": "/variables/vpcLinkId", "value": named}])
    ids.update(vpc_link=link, load_balancer=alb, target_group=tg, app_instance=app, sg_alb=sg_alb, sg_link=sg_link)


def private_backend_v1(name, ids, c):
    """POST /orders integrated with an internal Network Load Balancer without security
    groups behind a VPC link V1 named literally. PrivateLink traffic reaches the targets
    from the load balancer's own addresses, so the app's group admits its subnets."""
    ec2, apigw, elbv2 = c["ec2"], c["apigateway"], c["elbv2"]
    vpc_b, subnets = ids["vpc_b"], ids["fn_subnets"]
    sg_app = ec2.create_security_group(GroupName="orders-app", Description="app servers", VpcId=vpc_b)["GroupId"]
    sources = ["10.30.10.0/24", "10.30.11.0/24"] if name != "vpc-link-v1-nlb-targets-sg-blocks" else ["10.99.0.0/16"]
    ec2.authorize_security_group_ingress(GroupId=sg_app, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [{"CidrIp": c_} for c_ in sources]}])
    app = ec2.run_instances(ImageId=ids["image"], MinCount=1, MaxCount=1, SubnetId=subnets[0],
                            SecurityGroupIds=[sg_app])["Instances"][0]["InstanceId"]
    nlb = elbv2.create_load_balancer(Name="orders-nlb", Subnets=subnets, Scheme="internal",
                                     Type="network")["LoadBalancers"][0]
    tg = elbv2.create_target_group(Name="orders-app", Protocol="TCP", Port=8080, VpcId=vpc_b,
                                   TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": app, "Port": 8080}])
    elbv2.create_listener(LoadBalancerArn=nlb["LoadBalancerArn"], Protocol="TCP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    link = apigw.create_vpc_link(name="orders-link-v1", targetArns=[nlb["LoadBalancerArn"]])["id"]
    apigw.put_integration(restApiId=ids["api_id"], resourceId=ids["resource"], httpMethod="POST", type="HTTP_PROXY",
                          integrationHttpMethod="POST", uri=f"http://{nlb['DNSName']}:80/orders",
                          connectionType="VPC_LINK", connectionId=link)
    ids.update(vpc_link=link, load_balancer=nlb["LoadBalancerArn"], target_group=tg, app_instance=app)


def lambda_backend(name, ids, c):
    """The Lambda backend's own breaks (issue 23): its timeout, its streaming URI, the
    DB subnets' network ACL, the DB's certificate authority."""
    ec2, apigw = c["ec2"], c["apigateway"]
    if name == "lambda-timeout-60s":
        c["lambda"].update_function_configuration(FunctionName="order-writer", Timeout=60)
    elif name == "lambda-streaming-uri":
        apigw.put_integration(restApiId=ids["api_id"], resourceId=ids["resource"], httpMethod="POST", type="AWS_PROXY",
                              integrationHttpMethod="POST", responseTransferMode="STREAM",
                              uri=f"arn:aws:apigateway:{c['region']}:lambda:path/2021-11-15/functions/"
                                  f"{ids['function_arn']}/response-streaming-invocations")
    elif name == "db-acl-without-return":
        # The DB subnets' own ACL admits 5432 from the function's subnets, but has no
        # outbound rule for the replies to the function's ephemeral ports.
        acl = ec2.create_network_acl(VpcId=ids["vpc_b"])["NetworkAcl"]["NetworkAclId"]
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
                                     CidrBlock="10.30.0.0/16", PortRange={"From": 5432, "To": 5432})
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=True,
                                     CidrBlock="10.30.0.0/16", PortRange={"From": 5432, "To": 5432})
        acls = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": ids["db_subnets"]}])["NetworkAcls"]
        for a in acls:
            for assoc in a["Associations"]:
                if assoc["SubnetId"] in ids["db_subnets"]:
                    ec2.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl)
    elif name == "rds-ca-2019":
        c["rds"].modify_db_instance(DBInstanceIdentifier="orders-pg", CACertificateIdentifier="rds-ca-2019",
                                    ApplyImmediately=True)


DOMAIN = "orders.internal.example.com"


def self_signed(names, days):
    """A PEM certificate and key for `names`, valid for `days` from now (negative: expired)."""
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = (now - datetime.timedelta(days=400), now + datetime.timedelta(days=days)) if days < 0 else \
        (now - datetime.timedelta(days=1), now + datetime.timedelta(days=days))
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    return pem, key_pem


def add_domain(ids, c, a, days=365):
    """The path's private custom domain name: a certificate, the PRIVATE domain with a
    policy allowing the path's endpoint, its mapping `orders` → the API's stage, the
    endpoint's access association, and a private hosted zone of the client's VPC with an
    alias to the endpoint."""
    apigw, region = c["apigateway"], c["region"]
    # Private hosted zones answer only in VPCs with DNS support and DNS hostnames on.
    a["ec2"].modify_vpc_attribute(VpcId=ids["vpc_a"], EnableDnsHostnames={"Value": True})
    pem, key = self_signed(["*.internal.example.com"], days)
    cert = c["acm"].import_certificate(Certificate=pem, PrivateKey=key)["CertificateArn"]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"]},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"],
         "Condition": {"StringNotEquals": {"aws:SourceVpce": ids["vpce_api"]}}}]}
    domain = apigw.create_domain_name(domainName=DOMAIN, certificateArn=cert, securityPolicy="TLS_1_2",
                                      endpointConfiguration={"types": ["PRIVATE"]}, policy=json.dumps(policy))
    apigw.create_base_path_mapping(domainName=DOMAIN, domainNameId=domain["domainNameId"], basePath="orders",
                                   restApiId=ids["api_id"], stage="live")
    apigw.create_domain_name_access_association(domainNameArn=domain["domainNameArn"], accessAssociationSource=ids["vpce_api"],
                                                accessAssociationSourceType="VPCE")
    ids.update(domain=DOMAIN, domain_id=domain["domainNameId"], domain_arn=domain["domainNameArn"], certificate=cert)
    return add_zone(ids, c, a)


def add_zone(ids, c, a):
    """A private hosted zone of the client's VPC with an alias of DOMAIN to the endpoint."""
    dns = c["ec2"].describe_vpc_endpoints(VpcEndpointIds=[ids["vpce_api"]])["VpcEndpoints"][0]["DnsEntries"][0]
    zone = a["route53"].create_hosted_zone(Name="internal.example.com", CallerReference=f"privpath-{ids['vpc_a']}",
                                          HostedZoneConfig={"Comment": "orders", "PrivateZone": True},
                                          VPC={"VPCRegion": a["region"], "VPCId": ids["vpc_a"]})["HostedZone"]["Id"]
    a["route53"].change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": DOMAIN, "Type": "A",
        "AliasTarget": {"HostedZoneId": dns["HostedZoneId"], "DNSName": dns["DnsName"], "EvaluateTargetHealth": False}}}]})
    ids.update(zone=zone.split("/")[-1])
    return ids


def break_it(name, ids, c, a, endpoint):
    ec2, iam, apigw = c["ec2"], c["iam"], c["apigateway"]
    ec2a, iama = a["ec2"], a["iam"]
    if name == "peering-not-accepted":
        # A fresh peering request that nobody accepted, routes pointing at it.
        ec2a.delete_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"])
        pcx = request_peering(a, c, ids["vpc_a"], ids["vpc_b"])
        ec2a.replace_route(RouteTableId=ids["rtb_a"], DestinationCidrBlock="10.30.0.0/16", VpcPeeringConnectionId=pcx)
        ec2.replace_route(RouteTableId=ids["rtb_b"], DestinationCidrBlock="10.20.0.0/16", VpcPeeringConnectionId=pcx)
    elif name == "client-route-missing":
        ec2a.delete_route(RouteTableId=ids["rtb_a"], DestinationCidrBlock="10.30.0.0/16")
    elif name == "endpoint-route-missing":
        ec2.delete_route(RouteTableId=ids["rtb_b"], DestinationCidrBlock="10.20.0.0/16")
    elif name == "endpoint-sg-without-443":
        ec2.revoke_security_group_ingress(GroupId=ids["sg_api"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.20.1.0/24"}]}])
    elif name == "ssmmessages-endpoint-missing":
        ec2a.delete_vpc_endpoints(VpcEndpointIds=[ids["ssm_endpoints"]["ssmmessages"]])
    elif name == "agent-too-old":
        control(endpoint, "/__privpath/ssm-agent", {"instance_id": ids["instance_id"], "agent_version": "2.3.50.0"})
    elif name == "role-without-managed-policy":
        iama.detach_role_policy(RoleName="ops-box", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
    elif name == "api-without-policy":
        # Real AWS refuses to deploy this; moto accepts it, which is the state to detect.
        apigw.update_rest_api(restApiId=ids["api_id"], patchOperations=[{"op": "replace", "path": "/policy", "value": ""}])
    elif name == "endpoint-acl-denies-443":
        acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [ids["vpc_b"]]},
                                                 {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]["NetworkAclId"]
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=50, Protocol="6", RuleAction="deny", Egress=False,
                                     CidrBlock="10.20.0.0/16", PortRange={"From": 443, "To": 443})
    elif name == "client-vpc-dns-off":
        ec2a.modify_vpc_attribute(VpcId=ids["vpc_a"], EnableDnsSupport={"Value": False})
    elif name == "policy-names-client-vpc":
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                  "Resource": "execute-api:/*", "Condition": {"StringEquals": {"aws:SourceVpc": ids["vpc_a"]}}}]}
        apigw.update_rest_api(restApiId=ids["api_id"], patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(policy)}])
    elif name == "api-regional":
        apigw.update_rest_api(restApiId=ids["api_id"], patchOperations=[
            {"op": "replace", "path": "/endpointConfiguration/types/PRIVATE", "value": "REGIONAL"}])
    elif name == "method-added-after-deployment":
        # Redeployed while the method was gone (a health check kept the API deployable),
        # then put back: the stage lacks it.
        root = next(r["id"] for r in apigw.get_resources(restApiId=ids["api_id"])["items"] if r["path"] == "/")
        health = apigw.create_resource(restApiId=ids["api_id"], parentId=root, pathPart="health")["id"]
        apigw.put_method(restApiId=ids["api_id"], resourceId=health, httpMethod="GET", authorizationType="NONE")
        apigw.put_integration(restApiId=ids["api_id"], resourceId=health, httpMethod="GET", type="MOCK")
        apigw.delete_method(restApiId=ids["api_id"], resourceId=ids["resource"], httpMethod="POST")
        apigw.create_deployment(restApiId=ids["api_id"], stageName="live")
        put_post_method(apigw, ids["api_id"], ids["resource"], ids["function_arn"])
    elif name == "key-not-in-usage-plan":
        apigw.delete_usage_plan_key(usagePlanId=ids["usage_plan"], keyId=ids["key"])
    elif name == "lambda-permission-removed":
        c["lambda"].remove_permission(FunctionName="order-writer", StatementId="orders-api")
    elif name == "lambda-runtime-deprecated":
        c["lambda"].update_function_configuration(FunctionName="order-writer", Runtime="python3.8")
    elif name == "lambda-role-without-vpc-access":
        iam.detach_role_policy(RoleName="order-writer", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
        iam.attach_role_policy(RoleName="order-writer", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    elif name == "db-sg-wrong-port":
        ec2.revoke_security_group_ingress(GroupId=ids["sg_db"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": ids["sg_fn"]}]}])
        ec2.authorize_security_group_ingress(GroupId=ids["sg_db"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "UserIdGroupPairs": [{"GroupId": ids["sg_fn"]}]}])
    elif name == "role-with-equivalent-customer-policy":
        # No AmazonSSMManagedInstanceCore; a customer managed policy grants the same.
        iama.detach_role_policy(RoleName="ops-box", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
        doc = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["ssm:UpdateInstanceInformation", "ssmmessages:*"], "Resource": "*"}]}
        arn = iama.create_policy(PolicyName="session-manager-minimum", PolicyDocument=json.dumps(doc))["Policy"]["Arn"]
        iama.attach_role_policy(RoleName="ops-box", PolicyArn=arn)
    elif name == "policy-names-other-endpoint":
        # The policy admits only an endpoint that is not the one on the path.
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                  "Resource": "execute-api:/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0dd0ba11c0ffee001"}}}]}
        apigw.update_rest_api(restApiId=ids["api_id"], patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(policy)}])
    elif name == "domain-association-missing":
        add_domain(ids, c, a)
        control(endpoint, "/__privpath/reset-associations", {})
    elif name == "domain-policy-other-endpoint":
        add_domain(ids, c, a)
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                  "Resource": "execute-api:/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0dd0ba11c0ffee001"}}}]}
        control(endpoint, "/__privpath/domain-policy", {"domainNameId": ids["domain_id"], "policy": json.dumps(policy)})
    elif name == "domain-mapping-missing":
        add_domain(ids, c, a)
        control(endpoint, "/__privpath/domain-mappings", {"domainNameId": ids["domain_id"], "mappings": []})
    elif name == "domain-record-missing":
        add_domain(ids, c, a)
        rrs = a["route53"].list_resource_record_sets(HostedZoneId=ids["zone"])["ResourceRecordSets"]
        alias = next(r for r in rrs if r["Type"] == "A")
        a["route53"].change_resource_record_sets(HostedZoneId=ids["zone"], ChangeBatch={"Changes": [
            {"Action": "DELETE", "ResourceRecordSet": alias}]})
    elif name == "domain-certificate-expiring":
        # ACM refuses to import an expired certificate; one with ten days left warns.
        add_domain(ids, c, a, days=10)
    elif name == "domain":
        add_domain(ids, c, a)
    elif name == "domain-not-private":
        # Only a REGIONAL domain of that name: it cannot reach the private API.
        pem, key = self_signed(["*.internal.example.com"], 365)
        cert = c["acm"].import_certificate(Certificate=pem, PrivateKey=key)["CertificateArn"]
        apigw.create_domain_name(domainName=DOMAIN, regionalCertificateArn=cert, endpointConfiguration={"types": ["REGIONAL"]})
        a["ec2"].modify_vpc_attribute(VpcId=ids["vpc_a"], EnableDnsHostnames={"Value": True})
        add_zone(ids, c, a)
    elif name == "api-access-mode-strict":
        # An enhanced security policy with STRICT: the client across the peering calls
        # by the {api-id}-{vpce-id} alias, which STRICT refuses.
        apigw.update_rest_api(restApiId=ids["api_id"], patchOperations=[
            {"op": "replace", "path": "/securityPolicy", "value": "SecurityPolicy_TLS13_1_3_2025_09"},
            {"op": "replace", "path": "/endpointAccessMode", "value": "STRICT"}])
    elif name == "api-access-mode-basic":
        apigw.update_rest_api(restApiId=ids["api_id"], patchOperations=[
            {"op": "replace", "path": "/securityPolicy", "value": "SecurityPolicy_TLS13_1_3_2025_09"},
            {"op": "replace", "path": "/endpointAccessMode", "value": "BASIC"}])
    elif name == "policy-vpce-org-id":
        # A data-perimeter key API Gateway never sets: the Allow never matches.
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                  "Resource": "execute-api:/*", "Condition": {"StringEquals": {"aws:VpceOrgID": "o-a1b2c3d4e5"}}}]}
        apigw.update_rest_api(restApiId=ids["api_id"], patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(policy)}])
    elif name == "old-agent-without-ec2messages":
        # Agents before 3.3.40.0 still need ec2messages.
        ec2a.delete_vpc_endpoints(VpcEndpointIds=[ids["ssm_endpoints"]["ec2messages"]])
        control(endpoint, "/__privpath/ssm-agent", {"instance_id": ids["instance_id"], "agent_version": "3.2.1705.0"})
    elif name == "current-agent-without-ec2messages":
        ec2a.delete_vpc_endpoints(VpcEndpointIds=[ids["ssm_endpoints"]["ec2messages"]])
    elif name in ("bpa-blocks-internet-gateway", "bpa-subnet-excluded"):
        # No Session Manager endpoints; the agent's way out is an internet gateway, which
        # VPC Block Public Access blocks in both directions (unless the subnet is excluded).
        ec2a.delete_vpc_endpoints(VpcEndpointIds=list(ids["ssm_endpoints"].values()))
        igw = ec2a.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2a.attach_internet_gateway(InternetGatewayId=igw, VpcId=ids["vpc_a"])
        ec2a.create_route(RouteTableId=ids["rtb_a"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2a.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-bidirectional")
        if name == "bpa-subnet-excluded":
            ec2a.create_vpc_block_public_access_exclusion(SubnetId=ids["client_subnet"], InternetGatewayExclusionMode="allow-egress")
    elif name in ("default-host-management", "dhmc-role-without-policy"):
        # An instance without a profile; Default Host Management Configuration names a
        # role (with its policy, or without) and the instance requires IMDSv2.
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"},
                                                         "Action": "sts:AssumeRole"}]}
        role = "AWSSystemsManagerDefaultEC2InstanceManagementRole"
        iama.create_role(RoleName=role, Path="/service-role/", AssumeRolePolicyDocument=json.dumps(trust))
        if name == "default-host-management":
            iama.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy")
        a["ssm"].update_service_setting(SettingId="/ssm/managed-instance/default-ec2-instance-management-role",
                                        SettingValue=f"service-role/{role}")
        client_sg = ec2a.describe_instances(InstanceIds=[ids["instance_id"]])["Reservations"][0]["Instances"][0]["SecurityGroups"][0]["GroupId"]
        image = ec2a.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        ids["instance_id"] = ec2a.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=ids["client_subnet"],
                                                SecurityGroupIds=[client_sg],
                                                MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
                                                )["Instances"][0]["InstanceId"]
    elif name == "ssm-denied":
        control(endpoint, "/__privpath/deny", {"actions": ["ssm:DescribeInstanceInformation"]})
    elif name == "peerings-throttled":
        control(endpoint, "/__privpath/throttle", {"actions": ["ec2:DescribeVpcPeeringConnections"]})
    elif name == "ssm-truncated":
        control(endpoint, "/__privpath/truncate", {"actions": ["ssm:DescribeInstanceInformation"]})
    elif name.startswith("vpc-link-v1-"):
        private_backend_v1(name, ids, c)
    elif name.startswith("vpc-link-"):
        private_backend(name, ids, c)
    elif name in ("lambda-timeout-60s", "lambda-streaming-uri", "db-acl-without-return", "rds-ca-2019"):
        lambda_backend(name, ids, c)
    elif name != "healthy":
        raise SystemExit(f"unknown breakage {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--break", dest="breakage", default="healthy")
    parser.add_argument("--layout", choices=sorted(LAYOUTS) + ["two-regions", "org"], default="same")
    parser.add_argument("--with-domain", action="store_true", help="add the private custom domain name (add_domain)")
    parser.add_argument("--disable-regions", default="", help="regions that then answer as not enabled")
    parser.add_argument("--via", choices=["peering", "tgw"], default="peering",
                        help="what joins the VPCs (tgw: one TGW, or with cross-region two peered TGWs)")
    args = parser.parse_args()
    # A clean emulator for every scenario.
    urllib.request.urlopen(urllib.request.Request(args.endpoint + "/moto-api/reset", method="POST")).read()
    control(args.endpoint, "/__privpath/reset", {})
    if args.disable_regions:
        control(args.endpoint, "/__privpath/disable-region", {"regions": args.disable_regions.split(",")})
    c = clients(args.endpoint)
    if args.layout == "two-regions":
        print(json.dumps(two_regions(args.endpoint, c)))
        return
    if args.layout == "org":
        print(json.dumps(organization(args.endpoint, c, args.breakage, args.with_domain)))
        return
    account, region = LAYOUTS[args.layout]
    a = c if args.layout == "same" else clients(args.endpoint, region, account)
    ids = seed(c, a)
    if args.via == "tgw":
        join_by_tgw(c, a, ids)
        if not break_tgw(args.breakage, ids, c, args.endpoint):
            break_it(args.breakage, ids, c, a, args.endpoint)
    else:
        break_it(args.breakage, ids, c, a, args.endpoint)
    if args.with_domain and "domain" not in ids:
        add_domain(ids, c, a)
    ids.update(client_account=account, client_region=region, client_role=CLIENT_ROLE)
    print(json.dumps(ids))


def two_regions(endpoint, c):
    """For `privpath audit`: one account, the path in two regions. In us-east-1 it is
    healthy; in us-west-2 the endpoint subnets lost their return route, and a second
    client subnet of VPC A has no route to VPC B at all."""
    east = seed(c, c)
    w = clients(endpoint, "us-west-2")
    west = seed(w, w)
    break_it("endpoint-route-missing", west, w, w, endpoint)
    ec2 = w["ec2"]
    lonely = ec2.create_subnet(VpcId=west["vpc_a"], CidrBlock="10.20.9.0/24", AvailabilityZone="us-west-2c")["Subnet"]["SubnetId"]
    rtb = ec2.create_route_table(VpcId=west["vpc_a"])["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=lonely)
    sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [west["vpc_a"]]},
                                               {"Name": "group-name", "Values": ["caller"]}])["SecurityGroups"][0]["GroupId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    unrouted = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=lonely, SecurityGroupIds=[sg])["Instances"][0]["InstanceId"]
    return {"east": east, "west": west, "unrouted_instance": unrouted, "unrouted_subnet": lonely, "account": API_ACCOUNT}


def organization(endpoint, c, breakage="healthy", with_domain=False):
    """For `privpath audit --org`: an Organization (the default account manages it) with
    two member accounts, the API in one, the client in the other, peered; with
    `with_domain`, the API's private custom domain name in the API's account and its
    private hosted zone in the client's."""
    org = boto3.client("organizations", endpoint_url=endpoint, region_name=REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    org.create_organization(FeatureSet="ALL")
    members = [org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
               for name in ("orders-service", "analytics-clients")]
    api_side = clients(endpoint, REGION, members[0])
    client_side = clients(endpoint, REGION, members[1])
    ids = seed(api_side, client_side)
    break_it(breakage, ids, api_side, client_side, endpoint)
    if with_domain and "domain" not in ids:
        add_domain(ids, api_side, client_side)
    ids.update(api_account=members[0], client_account=members[1])
    return ids


if __name__ == "__main__":
    main()
