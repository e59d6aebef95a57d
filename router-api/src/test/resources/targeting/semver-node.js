const s=require("/usr/lib/node_modules/npm/node_modules/semver"); const fs=require('fs');
const ranges=fs.readFileSync('semver-ranges.txt','utf8').split('\n'); ranges.pop(); const versions=fs.readFileSync('semver-versions.txt','utf8').split('\n'); versions.pop();
let out='';
for (const r of ranges) { if (s.validRange(r,{includePrerelease:true})===null) { out+='ERR\t'+r+'\n'; continue; }
 for (const v of versions) out+= s.satisfies(v,r,{includePrerelease:true})+'\t'+r+'\t'+v+'\n'; }
process.stdout.write(out);
