/** The scheduling part of the toolkit: ledger, policies, the loop, clocks, deployments and summaries. */
export { Clock, RealClock, VirtualClock } from '../core/clock';
export { DeployedTask, Deployment, DeploymentOptions, deploymentFromPlan, maxTaskDemand } from './deployment';
export { tensorBytes } from '../runtime/backend';
export { DeviceLedger, ForceResult, Reservation, Ticket, emptyReservation } from './device-ledger';
export { Admission, DeviceView, Policy, PolicyContext, ReadyTask, taskReservation } from './policy';
export { POLICY_NAMES, PolicyName, createPolicy, isPolicyName } from './policies';
export {
  ClosedLoop, Feeds, ScheduleOptions, ScheduleResult, ScheduledRequest, checkScheduleInputs, runSchedule,
} from './scheduler';
export { SummaryLabels, summarize } from './summary';
export { percentile } from '../core/percentile';
export { FakeLayer, FakeModel, fakeDeployment, fakeInputs, groupLayers, randomFakeModel } from './fake-deployments';
