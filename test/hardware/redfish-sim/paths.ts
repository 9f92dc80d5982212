/** Resource paths shared by the simulator's modules. */

export const ROOT = '/redfish/v1';
export const CHASSIS_ID = '1U';
export const CHASSIS_PATH = `${ROOT}/Chassis/${CHASSIS_ID}`;
export const SESSIONS_PATH = `${ROOT}/SessionService/Sessions`;
export const TASKS_PATH = `${ROOT}/TaskService/Tasks`;
export const TASK_MONITORS_PATH = `${ROOT}/TaskService/TaskMonitors`;

export const systemPath = (id: string) => `${ROOT}/Systems/${id}`;
export const managerPath = (id: string) => `${ROOT}/Managers/${id}`;

/** A navigation property: a reference to another resource. */
export const link = (path: string) => ({ '@odata.id': path });

/** A resource collection body (Members with their count). */
export function collection(path: string, type: string, name: string, members: string[]): object {
  return {
    '@odata.id': path,
    '@odata.type': `#${type}.${type}`,
    Name: name,
    Members: members.map(link),
    'Members@odata.count': members.length,
  };
}
