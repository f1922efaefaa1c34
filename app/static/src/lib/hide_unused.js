// The Camunda properties panel offers settings of Camunda's own engine that our
// engine does not use (job execution, listeners, connectors, ...).  Showing them would
// invite designers to set values that silently do nothing, so the panel hides them.
const UNUSED_GROUPS = new Set([
  'CamundaPlatform__AsynchronousContinuations', 'CamundaPlatform__JobExecution',
  'CamundaPlatform__ExecutionListener', 'CamundaPlatform__TaskListener',
  'CamundaPlatform__Input', 'CamundaPlatform__Output', 'CamundaPlatform__ConnectorInput',
  'CamundaPlatform__ConnectorOutput', 'CamundaPlatform__FieldInjection', 'CamundaPlatform__ExternalTask',
  'CamundaPlatform__Implementation', 'CamundaPlatform__HistoryCleanup', 'CamundaPlatform__CandidateStarter',
  'CamundaPlatform__Tasklist', 'CamundaPlatform__UserAssignment', 'CamundaPlatform__StartInitiator',
  'CamundaPlatform__BusinessKey', 'CamundaPlatform__ProcessVariables',
]);

function HideUnusedGroups(propertiesPanel) {
  // Low priority: runs after the BPMN and Camunda providers have added their groups.
  propertiesPanel.registerProvider(100, this);
}

HideUnusedGroups.prototype.getGroups = function () {
  return (groups) => groups.filter((group) => !UNUSED_GROUPS.has(group.id));
};

HideUnusedGroups.$inject = ['propertiesPanel'];

export default {
  __init__: ['hideUnusedGroups'],
  hideUnusedGroups: ['type', HideUnusedGroups],
};
