// One webview panel of a kind, shared by the training, report and dataset overview panels: created or revealed,
// revived after a window reload from the page's saved state, every incoming message validated (and an invalid
// one logged and dropped) before the panel's controller sees it, and everything let go when the panel closes.
import * as vscode from 'vscode';
import { loadPage, panelOptions, type PageScript } from './webviewPage';

export interface PanelHostDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

/** What a panel kind does with its page; the host owns the panel's lifetime. */
export interface PanelController<In> {
  readonly panel: vscode.WebviewPanel;
  onMessage(msg: In): void | Promise<void>;
  /** The panel closed: stop timers and followers. */
  dispose(): void;
}

export interface PanelKind<State, In, C extends PanelController<In>> {
  viewType: string;
  /** Script of the page in dist/webview/ and the title while it loads. */
  page: PageScript;
  title: string;
  /** Name in log lines, e.g. "report panel". */
  name: string;
  /** Where a new panel opens; default the active column. */
  column?: vscode.ViewColumn;
  /** The validating parser of page -> host messages (webview/protocol.ts); undefined = not a valid message. */
  parseMessage(raw: unknown): In | undefined;
  /** State to revive a panel from after a reload (the page's saved state); undefined closes the revived panel. */
  revive(saved: unknown): State | undefined;
  create(panel: vscode.WebviewPanel, state: State): C;
}

export class SinglePanelHost<State, In, C extends PanelController<In>> implements vscode.Disposable {
  private controller: C | undefined;
  private readonly registration: vscode.Disposable;

  constructor(private readonly kind: PanelKind<State, In, C>, private readonly deps: PanelHostDeps) {
    this.registration = vscode.window.registerWebviewPanelSerializer(kind.viewType, {
      deserializeWebviewPanel: async (panel, saved: unknown) => {
        const state = kind.revive(saved);
        if (state === undefined) panel.dispose();
        else this.adopt(panel, state);
      },
    });
  }

  get current(): C | undefined {
    return this.controller;
  }

  /** The open panel, revealed (and passed to `update`), or a new one made from `initial()`. */
  open(initial: () => State, update?: (c: C) => void): C {
    if (this.controller) {
      update?.(this.controller);
      this.controller.panel.reveal();
      return this.controller;
    }
    const panel = vscode.window.createWebviewPanel(this.kind.viewType, this.kind.title, this.kind.column ?? vscode.ViewColumn.Active, panelOptions(this.deps.extensionUri));
    return this.adopt(panel, initial());
  }

  private adopt(panel: vscode.WebviewPanel, state: State): C {
    const { kind, deps } = this;
    loadPage(panel.webview, deps.extensionUri, kind.page, kind.title);
    const controller = kind.create(panel, state);
    this.controller = controller;
    const onMessage = panel.webview.onDidReceiveMessage((raw: unknown) => {
      const msg = kind.parseMessage(raw);
      if (!msg) {
        deps.log.warn(`${kind.name}: ignored an invalid message ${safeJson(raw)}`);
        return;
      }
      Promise.resolve()
        .then(() => controller.onMessage(msg))
        .catch((err: unknown) => deps.log.error(`${kind.name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`));
    });
    panel.onDidDispose(() => {
      // Forgotten first: a controller whose clean-up fails must not be handed out again with its disposed panel.
      if (this.controller === controller) this.controller = undefined;
      onMessage.dispose();
      try {
        controller.dispose();
      } catch (err) {
        deps.log.error(`${kind.name}: closing: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      }
    });
    return controller;
  }

  dispose(): void {
    this.registration.dispose();
    this.controller?.panel.dispose();
  }
}

function safeJson(v: unknown): string {
  try {
    return String(JSON.stringify(v)).slice(0, 200);
  } catch {
    return '(not serialisable)';
  }
}
