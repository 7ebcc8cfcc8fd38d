// The benchmark's baseline (bench/bench.ts): a pack with no policies still starts, serves the Analyzer
// service and decodes every request, so planning with it measures what the protocol costs by itself.
import { PolicyPack } from "@pulumi/policy";

new PolicyPack("bench-empty", { policies: [] });
