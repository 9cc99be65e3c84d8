// Placeholder: replaced by the real command.
import type { RegisterCommand } from './command-context.js';

export const registerInventoryCommands: RegisterCommand = () => {};
