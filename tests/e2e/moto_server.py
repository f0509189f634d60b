#!/usr/bin/env python3
"""moto's standalone server for privpath's end-to-end tests, on loopback only, with two
additions moto 5.x lacks:

* SSM `DescribeInstanceInformation`: every running EC2 instance is reported with SSM
  Agent 3.3.1142.0 and PingStatus Online, unless told otherwise per instance with
  `POST /__privpath/ssm-agent {"instance_id", "agent_version", "ping_status",
  "registered"}`.
* DescribeVpcEndpoints filters `vpc-endpoint-id` and `service-name`, which AWS
  documents and moto 5.2 does not implement.
* A Lambda function's `VpcConfig.VpcId` is the VPC of its subnets (moto 5.2 answers a
  made-up `vpc-123abc`).
* `GetDeployment --embed apisummary`: each deployment records, when it is created, the
  methods the API has then (`apiSummary`), as API Gateway does; moto 5.2 has no summary.
* Denied operations: `POST /__privpath/deny {"actions": ["ssm:DescribeInstanceInformation"]}`
  makes those operations answer the AccessDenied error AWS sends for that protocol.
* Throttled and truncated answers: `POST /__privpath/throttle {"actions": [...]}` makes
  those operations always answer AWS's throttling error for their protocol (so the
  SDK's retries run out); `POST /__privpath/truncate {"actions": [...]}` cuts their
  responses in half.
* Private custom domain names (API Gateway, 2024), which moto 5.x lacks: `CreateDomainName`
  with endpoint type PRIVATE (a `domainNameId`, an ARN, status AVAILABLE, the policy),
  `GetDomainNames` (`resourceOwner` SELF / OTHER_ACCOUNTS), `GetDomainName` by
  `domainNameId`, `CreateBasePathMapping` / `GetBasePathMappings` on it, and
  `CreateDomainNameAccessAssociation` / `GetDomainNameAccessAssociations`, kept per
  account and region as AWS does (the caller's account comes from its access key).
  Requests for other (public) domain names still go to moto, and `GetDomainNames` lists
  moto's with the private ones.
* Transit gateways (`teach_moto_transit_gateways`): routes name their attachment, an
  attachment's association is its route table, and its state can be set
  (`POST /__privpath/tgw-attachment`).
* REST APIs' `securityPolicy`, `endpointAccessMode` and `apiStatus` (2025), which moto
  5.2 neither keeps nor answers: UpdateRestApi's `replace` of `/securityPolicy` and
  `/endpointAccessMode` sets them, GetRestApi(s) answers them (with `apiStatus`
  AVAILABLE).
* SSM `GetServiceSetting` / `UpdateServiceSetting` (moto 5.2 has neither), per account
  and region: a setting never updated answers `Status` `Default`.
* VPC Block Public Access: `DescribeVpcBlockPublicAccessOptions` (mode `off` until
  `ModifyVpcBlockPublicAccessOptions`), `CreateVpcBlockPublicAccessExclusion` and
  `DescribeVpcBlockPublicAccessExclusions`, per account and region, in EC2's XML.
* Private integrations (`teach_moto_private_integrations`): PutIntegration keeps
  `connectionId`, `integrationTarget` and `responseTransferMode`, which moto 5.2 drops
  (it keeps only `connectionType`), and GetIntegration / GetMethod answer them.
* Regions that are not enabled: `POST /__privpath/disable-region {"regions": [...]}`
  makes every request signed for those regions answer as AWS does for an opt-in region
  the account has not enabled (AuthFailure / UnrecognizedClientException).
  `POST /__privpath/reset` clears all of these.

Prints `PORT <n>` once listening (port 0 picks a free port) and serves until killed or
until stdin closes, so a test that dies cannot leave it running.
"""
import json
import os
import sys
import threading
import urllib.parse
from datetime import datetime, timezone

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server  # noqa: E402

DEFAULT_AGENT = "3.3.1142.0"


def teach_moto_endpoint_filters():
    from moto.ec2.models.vpcs import VPCEndPoint

    original = VPCEndPoint.get_filter_value

    def get_filter_value(self, filter_name, method_name=None):
        if filter_name == "vpc-endpoint-id":
            return self.id
        if filter_name == "service-name":
            return self.service_name
        return original(self, filter_name, method_name)

    VPCEndPoint.get_filter_value = get_filter_value


def teach_moto_lambda_vpc_ids():
    from moto.awslambda.models import LambdaFunction
    from moto.ec2.models import ec2_backends

    def vpc_config(self):
        if not self._vpc_config:
            return None
        config = dict(self._vpc_config)
        config["VpcId"] = ""
        for subnet_id in config.get("SubnetIds", []):
            backend = ec2_backends[self.account_id][self.region]
            try:
                config["VpcId"] = backend.get_subnet(subnet_id).vpc_id
                break
            except Exception:  # an unknown subnet: AWS would have refused it
                continue
        return config

    LambdaFunction.vpc_config = property(vpc_config)


def teach_moto_api_summaries():
    from moto.apigateway.models import Deployment, RestAPI

    original_create = RestAPI.create_deployment
    original_json = Deployment.to_json

    def create_deployment(self, name, description, stage_variables=None):
        deployment = original_create(self, name, description, stage_variables)
        summary = {}
        for resource in self.resources.values():
            for verb, method in resource.resource_methods.items():
                summary.setdefault(resource.get_path(), {})[verb] = {
                    "authorizationType": method.authorization_type or "NONE",
                    "apiKeyRequired": bool(method.api_key_required),
                }
        deployment.api_summary = summary
        return deployment

    def to_json(self):
        out = original_json(self)
        if getattr(self, "api_summary", None) is not None:
            out["apiSummary"] = self.api_summary
        return out

    RestAPI.create_deployment = create_deployment
    Deployment.to_json = to_json


def teach_moto_transit_gateways():
    """Transit gateways as AWS answers them, where moto 5.2 does not:

    * SearchTransitGatewayRoutes names each route's attachment (moto stores it, then
      loses it: `TransitGatewayAttachments` is always empty);
    * an attachment's `Association` is the route table it is associated with now (moto
      always shows the TGW's default table, even after a disassociation);
    * a TGW peering attachment is listed on each side's own TGW, with that side's
      association (moto shows the requester's on both sides);
    * the association an attachment gets at creation can be disassociated (moto raises);
    * an attachment's state can be set (`POST /__privpath/tgw-attachment {"attachment_id",
      "state"}`): moto makes every VPC attachment `available` at once, and cannot seed
      one `pendingAcceptance` (a RAM-shared TGW's cross-account attachment).
    """
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachment
    from moto.ec2.models.transit_gateway_route_tables import TransitGatewayRouteTableBackend

    original = TransitGatewayRouteTableBackend.create_transit_gateway_route

    def create_transit_gateway_route(self, transit_gateway_route_table_id, destination_cidr_block,
                                     transit_gateway_attachment_id=None, blackhole=False):
        route = original(self, transit_gateway_route_table_id, destination_cidr_block,
                         transit_gateway_attachment_id, blackhole)
        attachment = route.pop("transitGatewayAttachments", None)
        route["transitGatewayAttachments"] = [attachment] if attachment else []
        return route

    TransitGatewayRouteTableBackend.create_transit_gateway_route = create_transit_gateway_route

    # moto records the association a VPC attachment gets at creation (with the TGW's
    # default table) only on the table, so disassociating it fails with a KeyError.
    from moto.ec2.models.transit_gateway_route_tables import TransitGatewayRelations

    original_disassociate = TransitGatewayRouteTableBackend.disassociate_transit_gateway_route_table

    def disassociate(self, tgw_attach_id, tgw_rt_id):
        if tgw_attach_id not in self.transit_gateway_associations:
            self.transit_gateway_associations[tgw_attach_id] = TransitGatewayRelations(
                self, tgw_attach_id, tgw_rt_id, state="associated")
        return original_disassociate(self, tgw_attach_id, tgw_rt_id)

    TransitGatewayRouteTableBackend.disassociate_transit_gateway_route_table = disassociate

    def association(self):
        for table in self.ec2_backend.transit_gateways_route_tables.values():
            if self.id in table.route_table_associations:
                return {"State": "associated", "TransitGatewayRouteTableId": table.id}
        return None

    TransitGatewayAttachment.association = property(association)

    # A TGW peering attachment is one object in moto, seen the same from both regions;
    # in AWS the accepter's side lists it on its own TGW, with its own association.
    import copy
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachmentBackend

    original_describe = TransitGatewayAttachmentBackend.describe_transit_gateway_attachments

    def describe_attachments(self, transit_gateways_attachment_ids=None, filters=None):
        found = original_describe(self, transit_gateways_attachment_ids, filters)
        out = []
        for a in found:
            local = a.resource_type in ("peering", "tgw-peering") and a.transit_gateway_id not in self.transit_gateways
            if local and a.resource_id in self.transit_gateways:
                mine = copy.copy(a)
                mine.transit_gateway_id, mine.resource_id = a.resource_id, a.transit_gateway_id
                mine.ec2_backend = self
                a = mine
            out.append(a)
        return out

    TransitGatewayAttachmentBackend.describe_transit_gateway_attachments = describe_attachments


def teach_moto_security_policies():
    from moto.apigateway.models import RestAPI

    original_dict = RestAPI.to_dict
    original_patch = RestAPI.apply_patch_operations

    def to_dict(self):
        out = original_dict(self)
        for key in ("securityPolicy", "endpointAccessMode"):
            value = getattr(self, f"privpath_{key}", None)
            if value:
                out[key] = value
        out["apiStatus"] = "AVAILABLE"
        return out

    def apply_patch_operations(self, patch_operations):
        rest = []
        for op in patch_operations:
            key = op.get("path", "").strip("/")
            if op.get("op") == "replace" and key in ("securityPolicy", "endpointAccessMode"):
                setattr(self, f"privpath_{key}", op.get("value"))
            else:
                rest.append(op)
        return original_patch(self, rest)

    RestAPI.to_dict = to_dict
    RestAPI.apply_patch_operations = apply_patch_operations


SERVICE_SETTINGS = {}  # (account, region, setting path) -> value
BPA = {}               # (account, region) -> {"mode", "exclusions": [...]}


def setting_path(setting_id):
    # An ARN (arn:aws:ssm:R:A:servicesetting/ssm/...) or the path itself.
    return "/" + setting_id.split(":servicesetting/", 1)[1] if ":servicesetting/" in setting_id else setting_id


def service_setting(environ, body, action):
    account, region = caller(environ)
    request = json.loads(body or b"{}")
    path = setting_path(request.get("SettingId", ""))
    with LOCK:
        if action == "ssm:UpdateServiceSetting":
            SERVICE_SETTINGS[(account, region, path)] = request.get("SettingValue", "")
            return {}
        value = SERVICE_SETTINGS.get((account, region, path))
    return {"ServiceSetting": {
        "SettingId": path, "SettingValue": "$None" if value is None else value,
        "LastModifiedDate": datetime.now(timezone.utc).timestamp(), "LastModifiedUser": "System",
        "ARN": f"arn:aws:ssm:{region}:{account}:servicesetting{path}",
        "Status": "Default" if value is None else "Customized"}}


def xml_tag(name, value):
    return f"<{name}>{value}</{name}>" if value is not None else ""


def block_public_access(environ, body, action):
    """EC2's XML answer to a VPC Block Public Access operation."""
    account, region = caller(environ)
    params = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    params.update(urllib.parse.parse_qs(environ.get("QUERY_STRING", "")))
    one = lambda k: params.get(k, [None])[0]  # noqa: E731
    name = action.split(":", 1)[1]
    with LOCK:
        bpa = BPA.setdefault((account, region), {"mode": "off", "changed": False, "exclusions": []})
        if name == "ModifyVpcBlockPublicAccessOptions":
            bpa["mode"], bpa["changed"] = one("InternetGatewayBlockMode"), True
        if name == "CreateVpcBlockPublicAccessExclusion":
            target = one("SubnetId") or one("VpcId")
            kind = "subnet" if target.startswith("subnet-") else "vpc"
            bpa["exclusions"].append({
                "exclusionId": f"vpcbpa-exclude-{len(bpa['exclusions']) + 1:017x}",
                "internetGatewayExclusionMode": one("InternetGatewayExclusionMode"),
                "resourceArn": f"arn:aws:ec2:{region}:{account}:{kind}/{target}",
                "state": "create-complete"})
        options = (xml_tag("awsAccountId", account) + xml_tag("awsRegion", region)
                   + xml_tag("state", "update-complete" if bpa["changed"] else "default-state")
                   + xml_tag("internetGatewayBlockMode", bpa["mode"]) + xml_tag("managedBy", "account")
                   + xml_tag("exclusionsAllowed", "allowed"))
        item = lambda e: "<item>" + "".join(xml_tag(k, v) for k, v in e.items()) + "</item>"  # noqa: E731
        if name in ("DescribeVpcBlockPublicAccessOptions", "ModifyVpcBlockPublicAccessOptions"):
            inner = f"<vpcBlockPublicAccessOptions>{options}</vpcBlockPublicAccessOptions>"
        elif name == "CreateVpcBlockPublicAccessExclusion":
            inner = f"<vpcBlockPublicAccessExclusion>{item(bpa['exclusions'][-1])[6:-7]}</vpcBlockPublicAccessExclusion>"
        else:
            inner = ("<vpcBlockPublicAccessExclusionSet>" + "".join(item(e) for e in bpa["exclusions"])
                     + "</vpcBlockPublicAccessExclusionSet>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><{name}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            f"<requestId>privpath-bpa</requestId>{inner}</{name}Response>")


BPA_ACTIONS = {f"ec2:{n}" for n in ("DescribeVpcBlockPublicAccessOptions", "ModifyVpcBlockPublicAccessOptions",
                                    "DescribeVpcBlockPublicAccessExclusions", "CreateVpcBlockPublicAccessExclusion")}
def teach_moto_private_integrations():
    from moto.apigateway.models import Integration
    from moto.apigateway.responses import APIGatewayResponse

    kept = ("connectionId", "integrationTarget", "responseTransferMode")
    original_put = APIGatewayResponse.put_integration
    original_json = Integration.to_json

    def put_integration(self):
        status, headers, _ = original_put(self)
        parts = self.path.split("/")
        integration = self.backend.get_integration(parts[2], parts[4], parts[6])
        integration.privpath_kept = {k: self._get_param(k) for k in kept if self._get_param(k)}
        return status, headers, json.dumps(integration.to_json())

    def to_json(self):
        out = original_json(self)
        out.update(getattr(self, "privpath_kept", {}))
        return out

    APIGatewayResponse.put_integration = put_integration
    Integration.to_json = to_json


def set_tgw_attachment_state(attachment_id, state):
    from moto.ec2.models import ec2_backends

    for account in ec2_backends.values():
        for backend in account.values():
            attachment = getattr(backend, "transit_gateway_attachments", {}).get(attachment_id)
            if attachment is not None:
                attachment.state = state


teach_moto_endpoint_filters()
teach_moto_lambda_vpc_ids()
teach_moto_api_summaries()
teach_moto_transit_gateways()
teach_moto_security_policies()
teach_moto_private_integrations()
STATE = {"deny": set(), "throttle": set(), "truncate": set(), "disabled": set(), "agents": {}}
LOCK = threading.Lock()


def service_of(environ):
    auth = environ.get("HTTP_AUTHORIZATION", "")
    # Credential=AKID/20261124/us-east-1/ec2/aws4_request
    marker = "Credential="
    if marker in auth:
        scope = auth.split(marker, 1)[1].split(",", 1)[0].split("/")
        if len(scope) >= 4:
            return scope[3], scope[2]
    return "", "us-east-1"


def read_body(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length else b""
    # Let moto read the body again.
    import io
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def action_of(environ, body):
    """The IAM action of a request, e.g. `ec2:DescribeInstances`."""
    service, _ = service_of(environ)
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        prefix = {"AmazonSSM": "ssm"}.get(target.split(".", 1)[0], service)
        return f"{prefix}:{target.split('.', 1)[1]}"
    if service in ("ec2", "iam", "sts"):
        params = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        params.update(urllib.parse.parse_qs(environ.get("QUERY_STRING", "")))
        name = params.get("Action", [""])[0]
        return f"{service}:{name}"
    if service == "apigateway":
        return f"apigateway:{environ.get('REQUEST_METHOD', 'GET')}"
    return f"{service}:unknown"


def denied(environ, start_response, action):
    service, action_name = action.split(":", 1)
    message = f"User: arn:aws:iam::123456789012:user/privpath-test is not authorized to perform: {action}"
    if service == "ec2":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>"
                f"<Message>You are not authorized to perform this operation. {message}</Message></Error></Errors>"
                f"<RequestID>privpath-denied</RequestID></Response>")
        start_response("403 Forbidden", [("Content-Type", "text/xml")])
        return [body.encode()]
    if service in ("iam", "sts"):
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{message}</Message>"
                f"</Error><RequestId>privpath-denied</RequestId></ErrorResponse>")
        start_response("403 Forbidden", [("Content-Type", "text/xml")])
        return [body.encode()]
    body = json.dumps({"__type": "AccessDeniedException", "message": message, "Message": message})
    start_response("400 Bad Request" if service == "ssm" else "403 Forbidden",
                   [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", "AccessDeniedException")])
    return [body.encode()]


def region_not_enabled(start_response, action):
    service = action.split(":", 1)[0]
    if service == "ec2":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>AuthFailure</Code>"
                "<Message>AWS was not able to validate the provided access credentials</Message></Error></Errors>"
                "<RequestID>privpath-region</RequestID></Response>")
        start_response("401 Unauthorized", [("Content-Type", "text/xml")])
        return [body.encode()]
    if service in ("iam", "sts"):
        body = ("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
                "<Message>The security token included in the request is invalid.</Message></Error>"
                "<RequestId>privpath-region</RequestId></ErrorResponse>")
        start_response("403 Forbidden", [("Content-Type", "text/xml")])
        return [body.encode()]
    message = "The security token included in the request is invalid."
    start_response("403 Forbidden", [("Content-Type", "application/x-amz-json-1.1"),
                                     ("x-amzn-ErrorType", "UnrecognizedClientException")])
    return [json.dumps({"__type": "UnrecognizedClientException", "message": message}).encode()]


def throttled(start_response, action):
    service = action.split(":", 1)[0]
    if service == "ec2":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>RequestLimitExceeded</Code>"
                "<Message>Request limit exceeded.</Message></Error></Errors><RequestID>privpath-throttled</RequestID></Response>")
        start_response("503 Service Unavailable", [("Content-Type", "text/xml")])
        return [body.encode()]
    if service in ("iam", "sts"):
        body = ("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
                "</Error><RequestId>privpath-throttled</RequestId></ErrorResponse>")
        start_response("400 Bad Request", [("Content-Type", "text/xml")])
        return [body.encode()]
    if service == "apigateway":
        start_response("429 Too Many Requests", [("Content-Type", "application/json"), ("x-amzn-ErrorType", "TooManyRequestsException")])
        return [json.dumps({"message": "Too Many Requests"}).encode()]
    start_response("400 Bad Request", [("Content-Type", "application/x-amz-json-1.1")])
    return [json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()]


def truncated(app, environ, start_response):
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    body = b"".join(app(environ, capture))
    cut = body[: len(body) // 2]
    headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(cut))))
    start_response(captured["status"], headers)
    return [cut]


def describe_instance_information(environ, body):
    from moto.ec2.models import ec2_backends

    _, region = service_of(environ)
    request = json.loads(body or b"{}")
    wanted = set()
    for f in request.get("Filters", []) + request.get("InstanceInformationFilterList", []):
        if f.get("Key") in ("InstanceIds", "instanceIds"):
            wanted.update(f.get("Values", []) or f.get("valueSet", []))
    items = []
    for account_backends in ec2_backends.values():
        backend = account_backends.get(region)
        if backend is None:
            continue
        for reservation in backend.reservations.values():
            for instance in reservation.instances:
                if wanted and instance.id not in wanted:
                    continue
                if instance.state != "running":
                    continue
                with LOCK:
                    agent = dict(STATE["agents"].get(instance.id, {}))
                if not agent.get("registered", True):
                    continue
                items.append({
                    "InstanceId": instance.id,
                    "PingStatus": agent.get("ping_status", "Online"),
                    "LastPingDateTime": datetime.now(timezone.utc).timestamp(),
                    "AgentVersion": agent.get("agent_version", DEFAULT_AGENT),
                    "IsLatestVersion": False,
                    "PlatformType": "Linux",
                    "PlatformName": "Amazon Linux",
                    "ResourceType": "EC2Instance",
                    "IPAddress": instance.private_ip,
                })
    return {"InstanceInformationList": items}


DOMAINS = {}        # (account, region) -> [domain record]
ASSOCIATIONS = []   # {"account", "region", association fields…}


def caller(environ):
    """The account and region a request is signed for."""
    from moto.iam.models import get_account_id_from

    auth = environ.get("HTTP_AUTHORIZATION", "")
    key = auth.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in auth else ""
    return get_account_id_from(key), service_of(environ)[1]


def json_answer(start_response, status, payload):
    data = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def not_found(start_response, what):
    start_response("404 Not Found", [("Content-Type", "application/json"), ("x-amzn-ErrorType", "NotFoundException")])
    return [json.dumps({"message": f"Invalid {what} identifier specified"}).encode()]


def private_domains(environ, body, start_response):
    """Answers the private custom domain name operations, or returns None for moto."""
    path = urllib.parse.unquote(environ.get("PATH_INFO", ""))
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    method = environ.get("REQUEST_METHOD", "GET")
    account, region = caller(environ)
    request = json.loads(body or b"{}") if method in ("POST", "PUT", "PATCH") else {}
    with LOCK:
        mine = DOMAINS.setdefault((account, region), [])
        if path == "/domainnames" and method == "POST":
            if "PRIVATE" not in (request.get("endpointConfiguration") or {}).get("types", []):
                return None
            domain_id = f"{len(mine) + 1:08x}"
            name = request["domainName"]
            record = {
                "domainName": name, "domainNameId": domain_id,
                "domainNameArn": f"arn:aws:apigateway:{region}:{account}:/domainnames/{name}+{domain_id}",
                "certificateArn": request.get("certificateArn"),
                "endpointConfiguration": {"types": ["PRIVATE"]},
                "domainNameStatus": "AVAILABLE", "securityPolicy": request.get("securityPolicy", "TLS_1_2"),
                # A new private domain denies everything until its policy allows an endpoint.
                "policy": request.get("policy") or json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}]}),
                "mappings": [],
            }
            mine.append(record)
            return json_answer(start_response, "201 Created", {k: v for k, v in record.items() if k != "mappings"})
        if path == "/domainnames" and method == "GET":
            owner = query.get("resourceOwner", ["SELF"])[0]
            if owner == "OTHER_ACCOUNTS":
                items = []
            else:
                # moto's own (public) domain names, then the private ones kept here.
                from moto.apigateway.models import apigateway_backends
                items = [d.to_json() for d in apigateway_backends[account][region].get_domain_names()]
                items += [{k: v for k, v in d.items() if k not in ("mappings", "policy")} for d in mine]
            return json_answer(start_response, "200 OK", {"item": items})
        if path == "/domainnameaccessassociations" and method == "POST":
            arn = request["domainNameArn"]
            vpce = request["accessAssociationSource"]
            assoc = {
                "domainNameAccessAssociationArn":
                    arn.replace("/domainnames/", "/domainnameaccessassociations/domainname/").replace(
                        f":{arn.split(':')[4]}:", f":{account}:") + f"/vpcesource/{vpce}",
                "domainNameArn": arn, "accessAssociationSourceType": request.get("accessAssociationSourceType", "VPCE"),
                "accessAssociationSource": vpce,
            }
            ASSOCIATIONS.append({"account": account, "region": region, **assoc})
            return json_answer(start_response, "201 Created", assoc)
        if path == "/domainnameaccessassociations" and method == "GET":
            owner = query.get("resourceOwner", ["SELF"])[0]
            fields = lambda a: {k: v for k, v in a.items() if k not in ("account", "region")}  # noqa: E731
            if owner == "OTHER_ACCOUNTS":
                items = [fields(a) for a in ASSOCIATIONS if a["region"] == region and a["account"] != account
                         and a["domainNameArn"].split(":")[4] == account]
            else:
                items = [fields(a) for a in ASSOCIATIONS if a["region"] == region and a["account"] == account]
            return json_answer(start_response, "200 OK", {"item": items})
        parts = path.strip("/").split("/")
        if parts[0] != "domainnames" or len(parts) < 2 or "domainNameId" not in query:
            return None
        name, domain_id = parts[1], query["domainNameId"][0]
        record = next((d for d in mine if d["domainName"] == name and d["domainNameId"] == domain_id), None)
        if record is None:
            return not_found(start_response, "domain name")
        if len(parts) == 2 and method == "GET":
            return json_answer(start_response, "200 OK", {k: v for k, v in record.items() if k != "mappings"})
        if len(parts) == 3 and parts[2] == "basepathmappings":
            if method == "POST":
                mapping = {"basePath": request.get("basePath") or "(none)", "restApiId": request["restApiId"],
                           "stage": request.get("stage")}
                record["mappings"].append(mapping)
                return json_answer(start_response, "201 Created", mapping)
            return json_answer(start_response, "200 OK", {"item": record["mappings"]})
    return None


class Extension:
    def __init__(self, app):
        self.app = app

    def control(self, environ, start_response):
        body = read_body(environ)
        request = json.loads(body or b"{}")
        path = environ.get("PATH_INFO", "")
        with LOCK:
            if path in ("/__privpath/deny", "/__privpath/throttle", "/__privpath/truncate"):
                STATE[path.rsplit("/", 1)[1]] = set(request.get("actions", []))
            elif path == "/__privpath/disable-region":
                STATE["disabled"] = set(request.get("regions", []))
            elif path == "/__privpath/ssm-agent":
                STATE["agents"][request["instance_id"]] = request
            elif path == "/__privpath/tgw-attachment":
                set_tgw_attachment_state(request["attachment_id"], request["state"])
            elif path == "/__privpath/reset-associations":
                # What a consumer sees before it created its association.
                ASSOCIATIONS.clear()
            elif path in ("/__privpath/domain-policy", "/__privpath/domain-mappings"):
                # Domain states moto's API (and so boto3's update-domain-name) cannot make.
                for domains in DOMAINS.values():
                    for d in domains:
                        if d["domainNameId"] == request["domainNameId"]:
                            if "policy" in request:
                                d["policy"] = request["policy"]
                            if "mappings" in request:
                                d["mappings"] = request["mappings"]
            elif path == "/__privpath/reset":
                for key in ("deny", "throttle", "truncate", "disabled"):
                    STATE[key] = set()
                DOMAINS.clear()
                ASSOCIATIONS.clear()
                SERVICE_SETTINGS.clear()
                BPA.clear()
                STATE["agents"] = {}
            else:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"unknown control path"]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/__privpath/"):
            return self.control(environ, start_response)
        body = read_body(environ)
        action = action_of(environ, body)
        with LOCK:
            disabled = service_of(environ)[1] in STATE.get("disabled", set())
        if disabled:
            return region_not_enabled(start_response, action)
        with LOCK:
            is_denied = action in STATE["deny"]
            is_throttled = action in STATE["throttle"]
            is_truncated = action in STATE["truncate"]
        if is_denied:
            return denied(environ, start_response, action)
        if is_throttled:
            return throttled(start_response, action)
        if action == "ssm:DescribeInstanceInformation":
            payload = json.dumps(describe_instance_information(environ, body)).encode()
            if is_truncated:
                payload = payload[: len(payload) // 2]
            start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(payload)))])
            return [payload]
        if action in ("ssm:GetServiceSetting", "ssm:UpdateServiceSetting"):
            payload = json.dumps(service_setting(environ, body, action)).encode()
            start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(payload)))])
            return [payload]
        if action in BPA_ACTIONS:
            payload = block_public_access(environ, body, action).encode()
            start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(payload)))])
            return [payload]
        if action.startswith("apigateway:") and "domainname" in environ.get("PATH_INFO", ""):
            answered = private_domains(environ, body, start_response)
            if answered is not None:
                return answered
        if is_truncated:
            return truncated(self.app, environ, start_response)
        return self.app(environ, start_response)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    app = Extension(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"PORT {server.server_address[1]}", flush=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Serve until the parent closes our stdin (or kills us).
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
