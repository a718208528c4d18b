// Starts GOV.UK Frontend on every page of the hub.
//
// This file is loaded with <script type="module">, so it only runs in browsers
// that support ES modules, which is what GOV.UK Frontend requires. The classes
// are added here rather than by an inline script because the hub's
// Content-Security-Policy allows scripts from its own origin only.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
