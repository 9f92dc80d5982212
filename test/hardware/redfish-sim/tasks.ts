import { message } from './errors.js';
import { ROOT, TASKS_PATH, TASK_MONITORS_PATH, collection, link } from './paths.js';
import type { ResetWaiter } from './system.js';

interface SimTask {
  id: string;
  state: 'Running' | 'Completed' | 'Cancelled';
  start: string;
  end?: string;
  targetUri: string;
  body: unknown;
}

/** The TaskService: one Task and one task monitor per asynchronous operation. */
export class TaskService {
  private readonly tasks = new Map<string, SimTask>();
  private nextId = 1;

  /**
   * A Running task for an operation on targetUri, the waiter that finishes it, and discard()
   * to forget it when the operation is rejected before it starts.
   */
  create(
    targetUri: string,
    body: unknown,
  ): { monitor: string; task: object; waiter: ResetWaiter; discard: () => void } {
    const task: SimTask = {
      id: String(this.nextId++),
      state: 'Running',
      start: new Date().toISOString(),
      targetUri,
      body,
    };
    this.tasks.set(task.id, task);
    const finish = (state: SimTask['state']) => {
      if (task.state !== 'Running') return;
      task.state = state;
      task.end = new Date().toISOString();
    };
    return {
      monitor: `${TASK_MONITORS_PATH}/${task.id}`,
      task: this.json(task),
      waiter: { settled: () => finish('Completed'), superseded: () => finish('Cancelled') },
      discard: () => void this.tasks.delete(task.id),
    };
  }

  serviceJson(): object {
    return {
      '@odata.id': `${ROOT}/TaskService`,
      '@odata.type': '#TaskService.v1_2_0.TaskService',
      Id: 'TaskService',
      Name: 'Task Service',
      ServiceEnabled: true,
      DateTime: new Date().toISOString(),
      CompletedTaskOverWritePolicy: 'Oldest',
      LifeCycleEventOnTaskStateChange: false,
      Status: { State: 'Enabled', Health: 'OK' },
      Tasks: link(TASKS_PATH),
    };
  }

  collectionJson(): object {
    return collection(
      TASKS_PATH,
      'TaskCollection',
      'Task Collection',
      [...this.tasks.keys()].map((id) => `${TASKS_PATH}/${id}`),
    );
  }

  taskJson(id: string): object | undefined {
    const task = this.tasks.get(id);
    return task && this.json(task);
  }

  /**
   * A GET of the task monitor: 202 with the Task while it runs, then 200 with the finished
   * Task for as long as the simulator lives. undefined for an unknown monitor.
   */
  monitor(id: string): { status: number; body: object } | undefined {
    const task = this.tasks.get(id);
    if (!task) return undefined;
    return { status: task.state === 'Running' ? 202 : 200, body: this.json(task) };
  }

  private json(task: SimTask): object {
    const done = task.state !== 'Running';
    return {
      '@odata.id': `${TASKS_PATH}/${task.id}`,
      '@odata.type': '#Task.v1_7_0.Task',
      Id: task.id,
      Name: `Task ${task.id}`,
      TaskState: task.state,
      TaskStatus: task.state === 'Cancelled' ? 'Warning' : 'OK',
      StartTime: task.start,
      ...(task.end ? { EndTime: task.end } : {}),
      PercentComplete: done ? 100 : 0,
      TaskMonitor: `${TASK_MONITORS_PATH}/${task.id}`,
      Messages: task.state === 'Completed' ? [message('Success')] : [],
      Payload: {
        HttpOperation: 'POST',
        TargetUri: task.targetUri,
        JsonBody: JSON.stringify(task.body),
        HttpHeaders: [],
      },
    };
  }
}
