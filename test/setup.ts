// Loaded once per mocha process (see .mocharc.json): full stack traces for failing tests only matter
// here, so the SDK's per-promise traces stay on; the offline plan turns them off for speed.
process.env.PULUMI_TEST_MODE = "true";
