// Signs a counted return in the page and uploads it with its signature.
//
// The upload page, once an extract is counted, holds the return document to
// sign (in base64, as the hub made it). This script shows the part of the
// page that signs it here: the data steward chooses their organisation's
// private key file and types its passphrase; the key is read in the browser
// with FileReader and used by OpenPGP.js to make a detached, armoured
// signature of exactly that document. Only the return and its signature are
// sent, to the same address as the "Upload the signed return" form: the key
// file input and the passphrase have no name and are outside the form, so a
// browser never sends them. Without JavaScript the section stays hidden and
// the page offers the download and hubctl, as before.
import * as openpgp from './openpgp.min.js'

const section = document.getElementById('sign-here')
const form = document.getElementById('sign-form')
const draft = document.getElementById('draft')

// errorSummary fills the empty element with a GOV.UK error summary and
// returns its list.
function errorSummary (element) {
  element.className = 'govuk-error-summary'
  const alert = document.createElement('div')
  alert.setAttribute('role', 'alert')
  const title = document.createElement('h3')
  title.className = 'govuk-error-summary__title'
  title.textContent = 'The return was not signed and uploaded'
  const body = document.createElement('div')
  body.className = 'govuk-error-summary__body'
  const list = document.createElement('ul')
  list.className = 'govuk-list govuk-error-summary__list'
  body.append(list)
  alert.append(title, body)
  element.replaceChildren(alert)
  return list
}

if (section && form && draft) {
  section.hidden = false
  const keyInput = document.getElementById('sign-key')
  const passInput = document.getElementById('sign-passphrase')
  const summary = document.getElementById('sign-errors')
  const summaryList = errorSummary(summary)
  const status = document.getElementById('sign-status')
  const button = form.querySelector('button[type="submit"]')

  const fields = {
    'sign-key': keyInput,
    'sign-passphrase': passInput,
    'sign-reason': document.getElementById('sign-reason'),
  }

  function clearErrors () {
    summary.hidden = true
    summaryList.replaceChildren()
    for (const id of Object.keys(fields)) {
      const group = document.getElementById(id + '-group')
      const message = document.getElementById(id + '-error')
      if (group) group.classList.remove('govuk-form-group--error')
      if (message) {
        message.hidden = true
        message.querySelector('.app-message').textContent = ''
      }
    }
  }

  // showErrors lists problems at the top of the section, each linking to
  // its field, and beside the field; the summary takes the focus so that a
  // screen reader says it.
  function showErrors (problems) {
    clearErrors()
    status.textContent = ''
    for (const [id, text] of problems) {
      const item = document.createElement('li')
      const link = document.createElement('a')
      link.href = '#' + id
      link.textContent = text
      item.append(link)
      summaryList.append(item)
      const group = document.getElementById(id + '-group')
      const message = document.getElementById(id + '-error')
      if (group && message) {
        group.classList.add('govuk-form-group--error')
        message.hidden = false
        message.querySelector('.app-message').textContent = text
      }
    }
    summary.hidden = false
    summary.focus()
  }

  function readText (file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader()
      reader.onload = () => resolve(reader.result)
      reader.onerror = () => reject(reader.error)
      reader.readAsText(file)
    })
  }

  function decodeDraft () {
    const binary = atob(draft.value)
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i)
    }
    return bytes
  }

  // openKey reads and unlocks the private key, or says in words what is wrong.
  async function openKey (armored, passphrase) {
    let key
    try {
      key = await openpgp.readPrivateKey({ armoredKey: armored })
    } catch {
      if (/BEGIN PGP PUBLIC KEY BLOCK/.test(armored)) {
        return { problem: ['sign-key', 'This is a public key: choose your organisation\'s private key file, the one whose name ends in -private.asc'] }
      }
      return { problem: ['sign-key', 'This file is not a private key: choose your organisation\'s private key file (.asc)'] }
    }
    if (key.isDecrypted()) {
      return { key }
    }
    if (passphrase === '') {
      return { problem: ['sign-passphrase', 'Enter the passphrase of the key'] }
    }
    try {
      return { key: await openpgp.decryptKey({ privateKey: key, passphrase }) }
    } catch {
      return { problem: ['sign-passphrase', 'The passphrase is not the key\'s: type it again'] }
    }
  }

  // refusalOf reads the problems from the page the hub answers a refused return with.
  function refusalOf (html) {
    const page = new DOMParser().parseFromString(html, 'text/html')
    const items = [...page.querySelectorAll('.govuk-error-summary__list li')].map((li) => li.textContent.trim()).filter(Boolean)
    if (items.length === 0) {
      const heading = page.querySelector('main h1')
      const body = page.querySelector('main p')
      items.push([heading, body].filter(Boolean).map((e) => e.textContent.trim()).join(': ') || 'The hub refused the return')
    }
    return items.map((text) => [/reason|why/i.test(text) ? 'sign-reason' : 'sign-key', text])
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    clearErrors()
    const file = keyInput.files[0]
    if (!file) {
      showErrors([['sign-key', 'Choose your organisation\'s private key file (.asc)']])
      return
    }
    button.disabled = true
    status.textContent = 'Signing the return on this computer…'
    try {
      const { key, problem } = await openKey(await readText(file), passInput.value)
      if (problem) {
        showErrors([problem])
        return
      }
      const doc = decodeDraft()
      const signature = await openpgp.sign({
        message: await openpgp.createMessage({ binary: doc }),
        signingKeys: key,
        detached: true,
        format: 'armored',
      })
      status.textContent = 'Uploading the signed return…'
      const body = new FormData(form)
      body.append('return', new Blob([doc], { type: 'application/json' }), 'return.json')
      body.append('signature', new Blob([signature], { type: 'application/pgp-signature' }), 'return.json.asc')
      const response = await fetch(form.action, { method: 'POST', body, credentials: 'same-origin' })
      if (response.redirected) {
        passInput.value = ''
        keyInput.value = ''
        window.location.assign(response.url)
        return
      }
      showErrors(refusalOf(await response.text()))
    } catch (err) {
      showErrors([['sign-key', 'The return could not be signed here: ' + (err && err.message ? err.message : String(err)) + '. Download it and sign it with hubctl instead']])
    } finally {
      button.disabled = false
    }
  })
}
