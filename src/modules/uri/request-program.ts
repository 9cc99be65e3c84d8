// The Python 3 program uri runs ON THE HOST, as Ansible's uri module does (python3 is there once a host is
// bootstrapped; curl may not be). It follows ansible-core 2.14's uri.py and module_utils/urls.py fetch_url/open_url
// step for step (redirect rules, basic auth, If-Modified-Since for an existing dest, gzip, the info dict, header
// names lower-cased with '-' → '_', msg texts), so the registered value has Ansible's keys and values. It reads its
// parameters as JSON on stdin (never argv: url_password) and prints the result as one JSON object on stdout.
export const REQUEST_PROGRAM = String.raw`
import datetime, email.utils, gzip, http.cookiejar, io, json, os, shutil, socket, ssl, sys, tempfile, hashlib, base64
import urllib.error, urllib.parse, urllib.request

P = json.loads(sys.stdin.read())
url = P['url']
method = P['method']
status_code = P['status_code']
dest = P.get('dest')
headers = dict((k, str(v)) for k, v in P['headers'].items())
body = P.get('body')
fmt = P['body_format']

def done(r):
    sys.stdout.write(json.dumps(r))
    sys.exit(0)

def form_urlencoded(body):
    if isinstance(body, str):
        return body
    items = list(body.items()) if isinstance(body, dict) else list(body)
    result = []
    for key, values in items:
        if isinstance(values, str) or not isinstance(values, (dict, list)):
            values = [values]
        for value in values:
            if value is not None:
                result.append((str(key), str(value)))
    return urllib.parse.urlencode(result, doseq=True)

if fmt == 'json':
    if not isinstance(body, str):
        body = json.dumps(body)
    if 'content-type' not in [h.lower() for h in headers]:
        headers['Content-Type'] = 'application/json'
elif fmt == 'form-urlencoded':
    if not isinstance(body, str):
        body = form_urlencoded(body)
    if 'content-type' not in [h.lower() for h in headers]:
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
elif body is not None and not isinstance(body, str):
    body = str(body)

if P.get('creates') is not None and os.path.exists(P['creates']):
    done({'changed': False, 'stdout': "skipped, since '%s' exists" % P['creates']})
if P.get('removes') is not None and not os.path.exists(P['removes']):
    done({'changed': False, 'stdout': "skipped, since '%s' does not exist" % P['removes']})

follow = P['follow_redirects']

class Req(urllib.request.Request):
    def __init__(self, url, method, data=None, headers=None, **kw):
        self._method = method.upper()
        urllib.request.Request.__init__(self, url, data, headers or {}, **kw)
    def get_method(self):
        return self._method

class Redirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, hdrs, newurl):
        if follow == 'urllib2':
            return urllib.request.HTTPRedirectHandler.redirect_request(self, req, fp, code, msg, hdrs, newurl)
        if follow in ('no', 'none'):
            raise urllib.error.HTTPError(newurl, code, msg, hdrs, fp)
        m = req.get_method()
        if follow in ('all', 'yes'):
            if code < 300 or code >= 400:
                raise urllib.error.HTTPError(req.get_full_url(), code, msg, hdrs, fp)
        elif code < 300 or code >= 400 or m not in ('GET', 'HEAD'):
            raise urllib.error.HTTPError(req.get_full_url(), code, msg, hdrs, fp)
        data = req.data
        newurl = newurl.replace(' ', '%20')
        if code in (307, 308):
            h = req.headers
        else:
            data = None
            h = dict((k, v) for k, v in req.headers.items() if k.lower() not in ('content-length', 'content-type', 'transfer-encoding'))
            if code in (302, 303) and m != 'HEAD':
                m = 'GET'
            if code == 301 and m == 'POST':
                m = 'GET'
        return Req(newurl, m, data=data, headers=h, origin_req_host=req.origin_req_host, unverifiable=True)

handlers = []
parsed = urllib.parse.urlparse(url)
username, password = P.get('url_username'), P.get('url_password') or ''
netloc = parsed.netloc
if not username and '@' in parsed.netloc:
    cred, netloc = parsed.netloc.split('@', 1)
    username, _, password = cred.partition(':')
    url = urllib.parse.urlunparse(parsed._replace(netloc=netloc))
if username and not P['force_basic_auth']:
    pm = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    pm.add_password(None, netloc, username, password)
    handlers += [urllib.request.HTTPBasicAuthHandler(pm), urllib.request.HTTPDigestAuthHandler(pm)]
elif username:
    headers['Authorization'] = 'Basic ' + base64.b64encode(('%s:%s' % (username, password)).encode()).decode()
if not P['use_proxy']:
    handlers.append(urllib.request.ProxyHandler({}))
if P['validate_certs']:
    ctx = ssl.create_default_context(cafile=P.get('ca_path'))
else:
    ctx = ssl._create_unverified_context()
handlers.append(urllib.request.HTTPSHandler(context=ctx))
cookies = http.cookiejar.LWPCookieJar()
handlers.append(urllib.request.HTTPCookieProcessor(cookies))
handlers.append(Redirect())
opener = urllib.request.build_opener(*handlers)

request = Req(url, method, body.encode() if isinstance(body, str) else body)
request.add_header('User-agent', P['http_agent'])
if P['force']:
    request.add_header('cache-control', 'no-cache')
elif dest is not None and os.path.isfile(dest):
    mtime = datetime.datetime.utcfromtimestamp(os.path.getmtime(dest))
    request.add_header('If-Modified-Since', email.utils.formatdate(mtime.replace(tzinfo=datetime.timezone.utc).timestamp(), usegmt=True))
unredirected = [h.lower() for h in P['unredirected_headers']]
for h in headers:
    if h.lower() in unredirected:
        request.add_unredirected_header(h, headers[h])
    else:
        request.add_header(h, headers[h])

start = datetime.datetime.utcnow()
info = {'url': P['url'], 'status': -1}
r = None
try:
    r = opener.open(request, None, P['timeout'])
    if P['decompress'] and r.headers.get('content-encoding', '').lower() == 'gzip':
        r.fp = gzip.GzipFile(fileobj=r.fp)
        r.length = None
    info.update(dict((k.lower(), v) for k, v in r.info().items()))
    merged = {}
    for name, value in r.headers.items():
        name = name.lower()
        merged[name] = ', '.join((merged[name], value)) if name in merged else value
    info.update(merged)
    info['cookies_string'] = '; '.join('%s=%s' % (c.name, c.value) for c in cookies)
    info['cookies'] = dict((c.name, c.value) for c in cookies)
    info.update(msg='OK (%s bytes)' % r.headers.get('Content-Length', 'unknown'), url=r.geturl(), status=r.code)
except urllib.error.HTTPError as e:
    r = e
    try:
        if e.fp is None:
            raise AttributeError
        err_body = e.read()
    except AttributeError:
        err_body = ''
    else:
        e.close()
    try:
        info.update(dict((k.lower(), v) for k, v in e.info().items()))
    except Exception:
        pass
    info.update({'msg': str(e), 'body': err_body, 'status': e.code})
except ValueError as e:
    done(dict(info, failed=True, msg=str(e)))
except urllib.error.URLError as e:
    info.update(msg='Request failed: %s' % e, status=int(getattr(e, 'code', -1)))
except socket.error as e:
    info.update(msg='Connection failure: %s' % e, status=-1)
except Exception as e:
    info.update(msg='An unknown error occurred: %s' % e, status=-1)

elapsed = (datetime.datetime.utcnow() - start).seconds

if r is not None and dest is not None and os.path.isdir(dest):
    fname = os.path.basename(urllib.parse.urlparse(r.geturl())[2].rstrip('/')) or None
    fname = r.headers.get_param('filename', header='content-disposition') or (urllib.parse.unquote(fname) if fname else None)
    dest = os.path.join(dest, fname or 'index.html')

if r is not None and r.fp is not None:
    content_type = (r.headers.get_content_type() or 'application/octet-stream').split(',')[0]
    sub_type = content_type.split('/')[1]
    charset = (r.headers.get_param('charset') or 'utf-8').split(',')[0]
else:
    content_type, sub_type, charset = 'application/octet-stream', 'octet-stream', 'utf-8'
if '+' in sub_type:
    sub_type = sub_type.partition('+')[2]
maybe_json = bool(content_type) and sub_type.lower() in ('json', 'javascript')
maybe_output = maybe_json or P['return_content'] or info['status'] not in status_code

content = None
if maybe_output:
    try:
        if r is None or r.fp is None or r.closed:
            raise TypeError
        content = r.read()
    except (AttributeError, TypeError):
        content = info.pop('body', b'')
elif r is not None:
    content = r

resp = {'redirected': info['url'] != P['url']}
resp.update(info)
resp['elapsed'] = elapsed
resp['status'] = int(resp['status'])
resp['changed'] = False

if r is not None and dest is not None:
    if resp['status'] in status_code and resp['status'] != 304:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(dest) or '.', prefix='.tsinfra-uri.')
        with os.fdopen(fd, 'wb') as f:
            if isinstance(content, bytes):
                f.write(content)
            else:
                shutil.copyfileobj(content, f)
        def sha1(p):
            with open(p, 'rb') as f:
                return hashlib.sha1(f.read()).hexdigest()
        if not os.path.exists(dest) or sha1(tmp) != sha1(dest):
            shutil.copyfile(tmp, dest)
        os.remove(tmp)
        resp['changed'] = True
        if P.get('mode') is not None:
            os.chmod(dest, int(P['mode'], 8))
        if P.get('owner') is not None or P.get('group') is not None:
            shutil.chown(dest, P.get('owner'), P.get('group'))
    resp['path'] = dest

out = {}
for key, value in resp.items():
    out[key.replace('-', '_').lower()] = value
if 'location' in out:
    loc = out['location']
    if '://' not in loc:
        if loc.startswith('/'):
            loc = P['url'].replace(urllib.parse.urlsplit(P['url'])[2], '') + loc
        else:
            loc = os.path.dirname(P['url']) + '/' + loc
    out['location'] = loc

text = None
if isinstance(content, bytes):
    text = content.decode(charset, 'replace')
    if maybe_json:
        try:
            out['json'] = json.loads(text)
        except Exception:
            pass
if isinstance(out.get('body'), bytes):
    out['body'] = out['body'].decode('utf-8', 'replace')

if resp['status'] not in status_code:
    out['msg'] = 'Status code was %s and not %s: %s' % (resp['status'], status_code, out.get('msg', ''))
    out['failed'] = True
if P['return_content']:
    out['content'] = text
# AnsibleModule's add_path_info: a result naming a path carries the file's attributes.
if out.get('path') is not None and os.path.exists(out['path']):
    import grp, pwd, stat
    st = os.lstat(out['path'])
    out['uid'], out['gid'] = st.st_uid, st.st_gid
    try:
        out['owner'] = pwd.getpwuid(st.st_uid)[0]
    except KeyError:
        out['owner'] = str(st.st_uid)
    try:
        out['group'] = grp.getgrgid(st.st_gid)[0]
    except KeyError:
        out['group'] = str(st.st_gid)
    out['mode'] = '0%03o' % stat.S_IMODE(st.st_mode)
    p = out['path']
    out['state'] = 'link' if os.path.islink(p) else 'directory' if os.path.isdir(p) else 'hard' if os.stat(p).st_nlink > 1 else 'file'
    out['size'] = st.st_size
done(out)
`;
