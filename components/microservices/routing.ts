import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { shiftsTraffic } from "../ecs/deployment";
import { ResolvedService } from "./args";
import { LoadBalancerParts } from "./alb";

export interface ServiceRoute {
    readonly targetGroup: aws.lb.TargetGroup;
    /** The green target group of BLUE_GREEN, CANARY and LINEAR deployments. */
    readonly alternateTargetGroup?: aws.lb.TargetGroup;
    readonly rule: aws.lb.ListenerRule;
    /** Alarms on target 5xx responses that roll a deployment back. */
    readonly alarmNames: pulumi.Output<string>[];
    /** `app/…/targetgroup/…` label for ALBRequestCountPerTarget scaling. */
    readonly resourceLabel: pulumi.Output<string>;
}

function targetGroup(name: string, vpcId: pulumi.Input<string>, s: ResolvedService, parent: pulumi.Resource): aws.lb.TargetGroup {
    return new aws.lb.TargetGroup(name, {
        vpcId,
        targetType: "ip",
        port: s.port,
        protocol: "HTTP",
        protocolVersion: s.spec.appProtocol === "grpc" ? "GRPC" : "HTTP1",
        // Time for in-flight requests to finish on a task that is being replaced (checklist C10).
        deregistrationDelay: s.deregistrationDelaySeconds,
        healthCheck: {
            enabled: true,
            protocol: "HTTP",
            port: "traffic-port",
            path: s.healthCheckPath,
            matcher: s.spec.appProtocol === "grpc" ? "0" : "200-399",
            interval: 15,
            timeout: 5,
            healthyThreshold: 3,
            unhealthyThreshold: 3,
        },
    }, { parent });
}

function fiveHundredsAlarm(name: string, lb: LoadBalancerParts, tg: aws.lb.TargetGroup, s: ResolvedService, parent: pulumi.Resource): pulumi.Output<string> {
    return new aws.cloudwatch.MetricAlarm(name, {
        alarmDescription: `Target 5xx responses of ${s.spec.name}; rolls a deployment back`,
        namespace: "AWS/ApplicationELB",
        metricName: "HTTPCode_Target_5XX_Count",
        dimensions: { LoadBalancer: lb.alb.arnSuffix, TargetGroup: tg.arnSuffix },
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        threshold: s.rollbackOn5xxPerMinute,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
    }, { parent }).name;
}

/**
 * The target group(s), listener rule and rollback alarms of one exposed service. Rules match the
 * service's paths and hosts at its fixed priority. For traffic-shifting strategies the rule forwards
 * to both target groups and ECS owns the weights, so Pulumi ignores changes to its actions.
 */
export function createRoute(name: string, vpcId: pulumi.Input<string>, lb: LoadBalancerParts, s: ResolvedService, parent: pulumi.Resource): ServiceRoute {
    const tg = targetGroup(`${name}-tg`, vpcId, s, parent);
    const shifting = shiftsTraffic(s.deployment);
    const alt = shifting ? targetGroup(`${name}-tg-green`, vpcId, s, parent) : undefined;
    const conditions: aws.types.input.lb.ListenerRuleCondition[] = [];
    if (s.paths.length > 0) {
        conditions.push({ pathPattern: { values: s.paths } });
    }
    if (s.hosts.length > 0) {
        conditions.push({ hostHeader: { values: s.hosts } });
    }
    const rule = new aws.lb.ListenerRule(`${name}-rule`, {
        listenerArn: lb.listener.arn,
        priority: s.priority,
        conditions,
        actions: alt
            ? [{ type: "forward", forward: { targetGroups: [{ arn: tg.arn, weight: 100 }, { arn: alt.arn, weight: 0 }] } }]
            : [{ type: "forward", targetGroupArn: tg.arn }],
    }, { parent, ignoreChanges: alt ? ["actions"] : [] });
    const alarmNames = [fiveHundredsAlarm(`${name}-5xx`, lb, tg, s, parent)];
    if (alt) {
        alarmNames.push(fiveHundredsAlarm(`${name}-5xx-green`, lb, alt, s, parent));
    }
    return {
        targetGroup: tg,
        alternateTargetGroup: alt,
        rule,
        alarmNames,
        resourceLabel: pulumi.interpolate`${lb.alb.arnSuffix}/${tg.arnSuffix}`,
    };
}
