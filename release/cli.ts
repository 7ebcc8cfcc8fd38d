/**
 * `release/cli.ts --region R --outputs FILE... [--health-check-id ID] [--timeout-minutes N]`: validates
 * one region after its wave. FILE is `pulumi stack output --json` of a stack in that region; the ECS
 * services are taken from the shapes the stacks export (an active-active region stack's `clusterName`
 * and `serviceNames`, fargate-microservices' `regions.<region>`). Exit 0 healthy, 1 not, 2 bad input.
 */
import * as fs from "fs";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ECSClient } from "@aws-sdk/client-ecs";
import { Route53Client } from "@aws-sdk/client-route-53";
import { RegionTarget, validateRegion } from "./validate";

type Services = RegionTarget["services"][number];

/** The ECS services a stack's outputs name in `region`. */
export function servicesIn(outputs: any, region: string): Services[] {
    const found: Services[] = [];
    const add = (o: any) => {
        if (o && typeof o.clusterName === "string" && o.serviceNames && typeof o.serviceNames === "object") {
            found.push({ cluster: o.clusterName, services: Object.values(o.serviceNames).map(String) });
        }
    };
    add(outputs);
    add(outputs?.regions?.[region]);
    return found;
}

async function main(argv: string[]): Promise<number> {
    let region: string | undefined;
    let healthCheckId: string | undefined;
    let timeoutMinutes = 30;
    const files: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const v = argv[i + 1];
        switch (argv[i]) {
            case "--region": region = v; i++; break;
            case "--outputs": files.push(v); i++; break;
            case "--health-check-id": healthCheckId = v || undefined; i++; break;
            case "--timeout-minutes": timeoutMinutes = Number(v); i++; break;
            default: throw new Error(`unexpected argument "${argv[i]}"`);
        }
    }
    if (!region || !(timeoutMinutes > 0)) {
        throw new Error("give --region and a positive --timeout-minutes");
    }
    const services = files.flatMap((f) => servicesIn(JSON.parse(fs.readFileSync(f, "utf8")), region!));
    const clients = { ecs: new ECSClient({ region }), cloudwatch: new CloudWatchClient({ region }), route53: new Route53Client({ region: "us-east-1" }) };
    const result = await validateRegion(clients, { region, services, healthCheckId }, { timeoutMs: timeoutMinutes * 60_000 });
    console.log(result.ok ? `${region}: healthy` : `${region}: ${result.outcome}\n  ${result.problems.join("\n  ")}`);
    return result.ok ? 0 : 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
        console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(2);
    });
}
