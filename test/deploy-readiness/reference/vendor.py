#!/usr/bin/env python3
"""Regenerates the trimmed reference files of the deploy-readiness rung from the upstream snapshot
(/work/shared/reference, see README.md here for provenance). Run: python3 test/deploy-readiness/reference/vendor.py [SRC]"""
import json, os, sys, shutil
import yaml  # PyYAML

SRC = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/reference"
OUT = os.path.dirname(os.path.abspath(__file__))

def closure(model, roots):
    shapes, todo = {}, list(roots)
    while todo:
        n = todo.pop()
        if n in shapes:
            continue
        s = dict(model["shapes"][n])
        s.pop("documentation", None)
        if "members" in s:
            s["members"] = {k: {"shape": v["shape"]} for k, v in s["members"].items()}
            todo += [v["shape"] for v in s["members"].values()]
        for k in ("member", "key", "value"):
            if k in s:
                s[k] = {"shape": s[k]["shape"]}
                todo.append(s[k]["shape"])
        for k in ("exception", "error", "deprecated", "deprecatedMessage", "sensitive", "box", "event", "eventstream", "wrapper", "flattened", "locationName", "xmlNamespace"):
            s.pop(k, None)
        shapes[n] = s
    return shapes

AWS = {
    "ecs": ["ContainerDefinition", "RunTaskRequest", "CreateServiceRequest"],
    "elasticloadbalancingv2": ["CreateTargetGroupInput", "CreateListenerInput", "CreateLoadBalancerInput", "CreateRuleInput"],
    "ecr": ["PutLifecyclePolicyRequest", "CreateRepositoryRequest", "CreateRepositoryCreationTemplateRequest", "PutRegistryScanningConfigurationRequest", "PutReplicationConfigurationRequest"],
}
FILES = {"ecs": "ecs.json", "elasticloadbalancingv2": "elbv2.json", "ecr": "ecr.json"}
os.makedirs(f"{OUT}/aws", exist_ok=True)
for svc, roots in AWS.items():
    model = json.load(open(f"{SRC}/aws-api-models/{FILES[svc]}"))
    doc = {"metadata": {k: model["metadata"][k] for k in ("apiVersion", "serviceId")}, "shapes": closure(model, roots)}
    json.dump(doc, open(f"{OUT}/aws/{FILES[svc]}", "w"), indent=0, sort_keys=True)

def strip_docs(node):
    if isinstance(node, dict):
        return {k: strip_docs(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [strip_docs(v) for v in node]
    return node

os.makedirs(f"{OUT}/crds", exist_ok=True)
for f in ("karpenter.k8s.aws_ec2nodeclasses.yaml", "karpenter.sh_nodepools.yaml"):
    crd = yaml.safe_load(open(f"{SRC}/upstream/karpenter/crds/v1.14.1/{f}"))
    crd["spec"]["versions"] = [strip_docs(v) for v in crd["spec"]["versions"] if v["name"] == "v1"]
    json.dump(crd, open(f"{OUT}/crds/{f.replace('.yaml', '.v1.14.1.json')}", "w"), indent=0)
crd = yaml.safe_load(open(f"{SRC}/upstream/eso/external-secrets.io_clustersecretstores.yaml"))
versions = [strip_docs(v) for v in crd["spec"]["versions"] if v["name"] == "v1"]
provider = versions[0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["provider"]
provider["properties"] = {"aws": provider["properties"]["aws"]}  # the only provider the platform configures
crd["spec"]["versions"] = versions
json.dump(crd, open(f"{OUT}/crds/external-secrets.io_clustersecretstores.2.9.0.aws.json", "w"), indent=0)

os.makedirs(f"{OUT}/charts", exist_ok=True)
for src, dst in [("karpenter/chart/values.v1.14.1.yaml", "karpenter-1.14.1.values.yaml"),
                 ("lbc/values.v3.5.0.yaml", "aws-load-balancer-controller-3.5.0.values.yaml"),
                 ("eso/values.2.9.0.yaml", "external-secrets-2.9.0.values.yaml"),
                 ("eso/values.schema.2.9.0.json", "external-secrets-2.9.0.values.schema.json"),
                 ("argocd/values.10.1.1.yaml", "argo-cd-10.1.1.values.yaml"),
                 ]:
    shutil.copy(f"{SRC}/upstream/{src}", f"{OUT}/charts/{dst}")
shutil.copy(f"{SRC}/upstream/karpenter/cloudformation.v1.14.1.yaml", f"{OUT}/karpenter-1.14.1.cloudformation.yaml")
